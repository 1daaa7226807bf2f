using MlNetBatch.Storage;
using MlNetBatch.Storage.Http;
using MlNetBatch.Testing.Storage;

namespace MlNetBatch.Tests.Storage.Http;

/// <summary>The storage contract against the in-test range server; HTTP is read-only, so writes must be refused clearly.</summary>
public sealed class HttpObjectStoreContractTests : ObjectStoreContract, IAsyncDisposable
{
    private readonly RangeHttpServer _server = new();
    private readonly HttpClient _client = new();

    public HttpObjectStoreContractTests() =>
        Store = new HttpObjectStore(_client, new HttpStorageOptions { ReadBlockBytes = 64 << 10, ReadAheadBytes = 256 << 10 });

    protected override IObjectStore Store { get; }

    protected override bool Writes => false;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    protected override ObjectLocation NewLocation(string name) => ObjectLocation.Parse(_server.Url(name));

    protected override Task PutAsync(ObjectLocation location, byte[] bytes)
    {
        _server.Put(location.Key, bytes);
        return Task.CompletedTask;
    }
}
