namespace MlNetBatch.Storage.Azure.Tests.Support;

/// <summary>
/// The test classes that share one Azurite: each works in containers of its own, so they need no server of their own.
/// Only the outage tests, which stop their server, keep a private one.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
