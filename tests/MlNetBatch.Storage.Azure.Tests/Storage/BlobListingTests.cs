using MlNetBatch.Storage.Azure.Tests.Support;

namespace MlNetBatch.Storage.Azure.Tests.Storage;

public class BlobListingTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string[] Names =
        ["data/a.parquet", "data/2024/b.parquet", "data/2024/01/c.parquet", "data/readme.txt", "data-extra.parquet", "other/d.parquet"];

    [Fact]
    public async Task Listing_a_prefix_returns_every_blob_under_it_recursively_with_size_and_etag()
    {
        var root = await UploadTreeAsync();
        var store = azurite.Store();

        var listed = await store.ListAsync(ObjectLocation.Parse(root + "/data/")).ToListAsync();

        Assert.Equal(
            new[] { "data/2024/01/c.parquet", "data/2024/b.parquet", "data/a.parquet", "data/readme.txt" }.Select(n => $"{root}/{n}"),
            listed.Select(i => i.Location.ToString()));
        foreach (var info in listed)
        {
            var properties = (await azurite.Blob(info.Location.ToString()).GetPropertiesAsync()).Value;
            Assert.Equal(properties.ContentLength, info.Size);
            Assert.Equal(properties.ETag.ToString(), info.ETag);
            Assert.Equal(info, await store.StatAsync(info.Location));
        }
    }

    [Fact]
    public async Task A_glob_over_an_az_uri_matches_nested_files_through_the_object_lister()
    {
        var root = await UploadTreeAsync();

        var matched = await ObjectLister.ListAsync(azurite.Resolver(), root + "/data/**/*.parquet");

        Assert.Equal(
            new[] { "data/2024/01/c.parquet", "data/2024/b.parquet", "data/a.parquet" }.Select(n => $"{root}/{n}"),
            matched.Select(i => i.Location.ToString()));
    }

    [Fact]
    public async Task A_pattern_that_matches_nothing_fails_naming_the_pattern()
    {
        var root = await UploadTreeAsync();

        var error = await Assert.ThrowsAsync<StorageException>(() => ObjectLister.ListAsync(azurite.Resolver(), root + "/data/**/*.csv"));

        Assert.Equal($"{root}/data/**/*.csv: the path or pattern matches no object.", error.Message);
    }

    [Fact]
    public async Task A_prefix_that_stops_inside_the_container_name_lists_the_matching_containers()
    {
        var root = await UploadTreeAsync();

        var listed = await azurite.Store().ListAsync(ObjectLocation.Parse(root)).ToListAsync();

        Assert.Equal(Names.Order(StringComparer.Ordinal).Select(n => $"{root}/{n}"), listed.Select(i => i.Location.ToString()));
    }

    [Fact]
    public async Task Path_style_uris_of_the_configured_endpoint_name_the_same_blobs_as_az_uris()
    {
        var root = await UploadTreeAsync();
        var container = root[(root.LastIndexOf('/') + 1)..];
        var pathStyle = $"{azurite.BlobEndpoint}/{container}";

        var matched = await ObjectLister.ListAsync(azurite.Resolver(), pathStyle + "/data/*.parquet");

        Assert.Equal([$"{pathStyle}/data/a.parquet"], matched.Select(i => i.Location.ToString()));
        await using var stream = await azurite.Store().OpenReadAsync(matched[0].Location, matched[0]);
        Assert.Equal(Content("data/a.parquet"), ReadAll(stream));
    }

    [Fact]
    public void The_store_claims_az_uris_and_blob_endpoint_hosts_only()
    {
        var store = azurite.Store();

        Assert.True(store.CanHandle(ObjectLocation.Parse("az://account/container/a.parquet")));
        Assert.True(store.CanHandle(ObjectLocation.Parse("https://account.blob.core.windows.net/container/a.parquet")));
        Assert.True(store.CanHandle(ObjectLocation.Parse($"{azurite.BlobEndpoint}/container/a.parquet")));
        Assert.False(store.CanHandle(ObjectLocation.Parse("https://example.com/container/a.parquet")));
        Assert.False(store.CanHandle(ObjectLocation.Parse("https://account.dfs.core.windows.net/container/a.parquet")));
        Assert.False(store.CanHandle(ObjectLocation.Parse("s3://bucket/a.parquet")));
        Assert.False(store.CanHandle(ObjectLocation.Parse("/tmp/a.parquet")));
    }

    [Fact]
    public async Task Stat_of_a_missing_blob_throws_ObjectNotFoundException()
    {
        var root = await azurite.NewContainerAsync();

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => azurite.Store().StatAsync(ObjectLocation.Parse(root + "/nothing.csv")));

        Assert.Equal($"{root}/nothing.csv: no such object.", error.Message);
    }

    [Fact]
    public async Task Deleting_removes_the_blob_and_ignores_a_missing_blob_or_container()
    {
        var root = await UploadTreeAsync();
        var store = azurite.Store();
        var target = ObjectLocation.Parse(root + "/data/a.parquet");

        await store.DeleteAsync(target);
        await store.DeleteAsync(target);
        await store.DeleteAsync(ObjectLocation.Parse($"az://{AzuriteFixture.Account}/nosuchcontainer/a.parquet"));

        Assert.False((await azurite.Blob(target.ToString()).ExistsAsync()).Value);
        Assert.Equal(Names.Length - 1, (await store.ListAsync(ObjectLocation.Parse(root + "/")).ToListAsync()).Count);
    }

    private async Task<string> UploadTreeAsync()
    {
        var root = await azurite.NewContainerAsync();
        foreach (var name in Names)
        {
            await azurite.UploadAsync($"{root}/{name}", Content(name));
        }

        return root;
    }

    private static byte[] Content(string name) => RandomBytes.Create(100 + name.Length, name.Length);

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
