using MlNetBatch.Storage.Azure.Tests.Support;
using MlNetBatch.Testing.Storage;

namespace MlNetBatch.Storage.Azure.Tests.Storage;

/// <summary>The storage contract against Azurite, with 64 KiB blocks so that a 6 MiB upload stages blocks before commit.</summary>
public sealed class BlobObjectStoreContractTests(AzuriteFixture azurite) : ObjectStoreContract, IAsyncLifetime, IClassFixture<AzuriteFixture>
{
    private string _root = null!;

    protected override IObjectStore Store { get; } = azurite.Store(o => (o.BlockSizeBytes, o.ReadAheadBytes) = (64 << 10, 256 << 10));

    public async Task InitializeAsync() => _root = await azurite.NewContainerAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected override ObjectLocation NewLocation(string name) => ObjectLocation.Parse($"{_root}/{name}");
}
