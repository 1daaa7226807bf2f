using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Storage.Http;
using MlNetBatch.Storage;
using MlNetBatch.Testing.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Storage.Http;

public sealed class HttpObjectStoreTests : IAsyncDisposable
{
    private readonly RangeHttpServer _server = new();
    private readonly HttpClient _client = new();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_parquet_source_served_over_http_reads_the_same_rows_as_on_disk()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("a.parquet"), 0, 5000, 1000, seed: 1);
        _server.Put("data/a.parquet", await File.ReadAllBytesAsync(dir.Combine("a.parquet")));
        var resolver = new ObjectStoreResolver([Store(o => o.ReadBlockBytes = 64 << 10)]);
        var ml = new MLContext();

        var remote = ml.Data.LoadFrom(_server.Url("data/a.parquet"), DataFormatKind.Parquet, null, resolver);
        var local = ml.Data.LoadFrom(dir.Combine("a.parquet"), DataFormatKind.Parquet);

        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (long)i), DataViewReader.Column<long>(remote, "id"));
        foreach (var feature in TabularData.FeatureColumns)
        {
            Assert.Equal(DataViewReader.Column<float>(local, feature), DataViewReader.Column<float>(remote, feature));
        }

        Assert.True(_server.RangeRequests > 1, "the file was not read in ranges");
    }

    [Fact]
    public async Task A_server_without_range_support_is_refused_with_a_clear_error()
    {
        _server.SupportsRanges = false;
        _server.Put("a.parquet", ObjectBytes.Random(1000, 1));
        var store = Store();
        var location = ObjectLocation.Parse(_server.Url("a.parquet"));

        var error = await Assert.ThrowsAsync<StorageException>(() => store.OpenReadAsync(location));
        var fromSource = await Assert.ThrowsAnyAsync<Exception>(() => PartitionedDataSource.OpenAsync(_server.Url("a.parquet"), new DataSourceOptions(), new ObjectStoreResolver([store])));

        Assert.Equal($"{location}: the server does not accept byte-range requests (no 'Accept-Ranges: bytes'), which reading needs: Parquet reads its footer first and CSV/JSON Lines partitions start mid-file. Serve the file from a server with range support, or copy it to local or object storage.", error.Message);
        Assert.Contains("does not accept byte-range requests", fromSource.ToString());
    }

    [Fact]
    public async Task A_file_replaced_after_planning_is_reported_as_changed()
    {
        _server.Put("a.bin", ObjectBytes.Random(100_000, 1));
        var store = Store();
        var location = ObjectLocation.Parse(_server.Url("a.bin"));
        var planned = await store.StatAsync(location);

        _server.Put("a.bin", ObjectBytes.Random(100_000, 2));

        var error = await Assert.ThrowsAsync<ObjectChangedException>(() => store.OpenReadAsync(location, planned));
        Assert.Contains(location.ToString(), error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_replaced_while_being_read_is_reported_as_changed_whether_or_not_the_server_honours_if_match(bool honoursIfMatch)
    {
        _server.HonoursIfMatch = honoursIfMatch;
        var original = ObjectBytes.Random(300_000, 1);
        _server.Put("a.bin", original);
        var store = Store(o => (o.ReadBlockBytes, o.ReadAheadBytes) = (64 << 10, 0));
        var location = ObjectLocation.Parse(_server.Url("a.bin"));
        await using var stream = await store.OpenReadAsync(location);
        var head = new byte[1000];
        await stream.ReadExactlyAsync(head);
        Assert.Equal(original[..1000], head);

        _server.Put("a.bin", ObjectBytes.Random(300_000, 2));
        stream.Position = 200_000;

        var error = await Assert.ThrowsAsync<ObjectChangedException>(async () => await stream.ReadExactlyAsync(new byte[1000]));
        Assert.Contains(location.ToString(), error.Message);
    }

    [Fact]
    public async Task A_response_body_cut_off_half_way_is_fetched_again()
    {
        var data = ObjectBytes.Random(500_000, 3);
        _server.Put("a.bin", data);
        var store = Store(o => (o.ReadBlockBytes, o.ReadAheadBytes, o.RetryDelay) = (64 << 10, 0, TimeSpan.FromMilliseconds(10)));
        await using var stream = await store.OpenReadAsync(ObjectLocation.Parse(_server.Url("a.bin")));
        _server.CutNextBodies(2);

        var copy = new MemoryStream();
        var buffer = new byte[1000];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        Assert.Equal(data, copy.ToArray());
        // 8 ranges of 64 KiB, the first two of them sent twice.
        Assert.Equal(10, _server.RangeRequests);
    }

    [Fact]
    public async Task Globs_and_folders_over_http_fail_saying_that_http_cannot_list()
    {
        _server.Put("data/a.parquet", [1, 2, 3]);
        var resolver = new ObjectStoreResolver([Store()]);

        var glob = await Assert.ThrowsAsync<StorageException>(() => ObjectLister.ListAsync(resolver, _server.Url("data/*.parquet")));
        var prefixGlob = await Assert.ThrowsAsync<StorageException>(() => ObjectLister.ListAsync(resolver, _server.Url("data/a*.parquet")));
        var folder = await Assert.ThrowsAsync<StorageException>(() => ObjectLister.ListAsync(resolver, _server.Url("data/")));
        var single = await ObjectLister.ListAsync(resolver, _server.Url("data/a.parquet"));

        Assert.All(new[] { glob, prefixGlob, folder }, e => Assert.Contains("plain HTTP(S) cannot list a folder or expand a glob; name each file by its full URL.", e.Message));
        Assert.Equal(3, single.Single().Size);
    }

    [Fact]
    public async Task A_missing_file_is_object_not_found()
    {
        var location = ObjectLocation.Parse(_server.Url("missing.parquet"));

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store().StatAsync(location));

        Assert.Contains(location.ToString(), error.Message);
    }

    [Fact]
    public async Task Writing_or_deleting_over_http_is_refused_as_read_only()
    {
        var location = ObjectLocation.Parse(_server.Url("out.parquet"));
        var store = Store();

        var create = await Assert.ThrowsAsync<NotSupportedException>(() => store.CreateAsync(location));
        var delete = await Assert.ThrowsAsync<NotSupportedException>(() => store.DeleteAsync(location));

        Assert.Contains("read-only", create.Message);
        Assert.Contains("read-only", delete.Message);
    }

    [Fact]
    public void AddMlNetBatchHttp_registers_one_store_for_http_and_https_however_often_it_is_called()
    {
        var services = new ServiceCollection().AddMlNetBatchHttp().AddMlNetBatchHttp(o => o.MaxRetries = 1);
        using var provider = services.BuildServiceProvider();

        var store = Assert.Single(provider.GetServices<IObjectStore>());
        Assert.IsType<HttpObjectStore>(store);
        Assert.True(store.CanHandle(ObjectLocation.Parse("https://example.com/a.parquet")));
        Assert.True(store.CanHandle(ObjectLocation.Parse("http://example.com/a.parquet")));
        Assert.False(store.CanHandle(ObjectLocation.Parse("s3://bucket/a.parquet")));
    }

    private HttpObjectStore Store(Action<HttpStorageOptions>? configure = null)
    {
        var options = new HttpStorageOptions();
        configure?.Invoke(options);
        return new HttpObjectStore(_client, options);
    }
}
