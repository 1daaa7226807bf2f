using MlNetBatch.Testing.Ordering;

// The outage tests wait out retries against a stopped server on an Azurite of their own; started last they ran alone.
[assembly: TestCollectionOrderer(LongestFirstCollectionOrderer.TypeName, LongestFirstCollectionOrderer.AssemblyName)]
[assembly: StartFirst("MlNetBatch.Storage.Azure.Tests.Storage.BlobOutageTests")]
