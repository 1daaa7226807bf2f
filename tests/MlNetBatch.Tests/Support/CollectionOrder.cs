using MlNetBatch.Testing.Ordering;

// Measured: each of these runs for tens of seconds (worker processes, many generated cases), one test after another.
[assembly: TestCollectionOrderer(LongestFirstCollectionOrderer.TypeName, LongestFirstCollectionOrderer.AssemblyName)]
[assembly: StartFirst(
    "MlNetBatch.Tests.Jobs.Commit.CrashRecoveryTests",
    "MlNetBatch.Tests.Data.ParquetDataPathPropertyTests",
    "MlNetBatch.Tests.Data.CsvDataPathPropertyTests",
    "MlNetBatch.Tests.Data.JsonLinesDataPathPropertyTests",
    "MlNetBatch.Tests.Jobs.Commit.GracefulStopTests",
    "MlNetBatch.Tests.Jobs.Commit.SharedOutputTests",
    "MlNetBatch.Tests.Storage.CrossStoreJobTests",
    MlNetBatch.Tests.Support.InProcessWorkerHostCollection.Name,
    "MlNetBatch.Tests.Worker.ConfigurationReportTests",
    "MlNetBatch.Tests.Worker.FailureMessageTests")]
