using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Storage;

public class LocalObjectStoreTests
{
    [Fact]
    public async Task Written_object_is_invisible_until_committed()
    {
        using var dir = new TempDirectory();
        var store = new LocalObjectStore();
        var location = ObjectLocation.Local(dir.Combine("out", "a.bin"));
        await using (var write = await store.CreateAsync(location))
        {
            await write.Stream.WriteAsync(new byte[] { 1, 2, 3 });
            await write.Stream.FlushAsync();
            Assert.False(File.Exists(location.LocalPath));
            var listed = await ObjectListerTests.ListOrEmpty(store, ObjectLocation.Local(dir.Combine("out") + "/"));
            Assert.Empty(listed);
            var info = await write.CommitAsync();
            Assert.Equal(3, info.Size);
        }

        Assert.Equal(new byte[] { 1, 2, 3 }, await File.ReadAllBytesAsync(location.LocalPath));
    }

    [Fact]
    public async Task A_listing_while_files_are_deleted_lists_only_existing_files_and_never_fails()
    {
        using var dir = new TempDirectory();
        var store = new LocalObjectStore();
        var names = Enumerable.Range(0, 3_000).Select(i => dir.Combine("out", $"r-{i:D5}.json")).ToList();
        Directory.CreateDirectory(dir.Combine("out"));
        foreach (var name in names)
        {
            await File.WriteAllTextAsync(name, "{}");
        }

        // Another process folding records or releasing a lease deletes files while this one lists them.
        var deleting = Task.Run(() => names.ForEach(File.Delete));
        var listings = 0;
        while (!deleting.IsCompleted || listings == 0)
        {
            await foreach (var info in store.ListAsync(ObjectLocation.Local(dir.Combine("out") + "/")))
            {
                Assert.Equal(2, info.Size);
            }

            listings++;
        }

        await deleting;
        Assert.Empty(await ObjectListerTests.ListOrEmpty(store, ObjectLocation.Local(dir.Combine("out") + "/")));
    }

    [Fact]
    public async Task Abandoned_write_leaves_nothing_behind()
    {
        using var dir = new TempDirectory();
        var store = new LocalObjectStore();
        var location = ObjectLocation.Local(dir.Combine("a.bin"));
        await using (var write = await store.CreateAsync(location))
        {
            await write.Stream.WriteAsync(new byte[] { 1 });
        }

        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task Changed_object_is_detected_when_opened()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.csv");
        await File.WriteAllTextAsync(path, "x\n1\n");
        var store = new LocalObjectStore();
        var planned = await store.StatAsync(ObjectLocation.Local(path));
        await File.WriteAllTextAsync(path, "x\n1\n2\n");
        var error = await Assert.ThrowsAsync<ObjectChangedException>(() => store.OpenReadAsync(ObjectLocation.Local(path), planned));
        Assert.Contains("a.csv", error.Message);
    }
}

public class ObjectListerTests
{
    internal static async Task<List<ObjectInfo>> ListOrEmpty(IObjectStore store, ObjectLocation prefix)
    {
        var list = new List<ObjectInfo>();
        await foreach (var info in store.ListAsync(prefix))
        {
            list.Add(info);
        }

        return list;
    }

    [Fact]
    public async Task Glob_lists_matching_files_in_a_stable_order()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("sub"));
        foreach (var name in new[] { "b.csv", "a.csv", "c.txt", "sub/d.csv" })
        {
            await File.WriteAllTextAsync(dir.Combine(name), "x");
        }

        var flat = await ObjectLister.ListAsync(ObjectStoreResolver.LocalOnly, dir.Path + "/*.csv");
        Assert.Equal(["a.csv", "b.csv"], flat.Select(f => f.Location.Name));
        var deep = await ObjectLister.ListAsync(ObjectStoreResolver.LocalOnly, dir.Path + "/**/*.csv");
        Assert.Equal(["a.csv", "b.csv", "d.csv"], deep.Select(f => f.Location.Name));
        var directory = await ObjectLister.ListAsync(ObjectStoreResolver.LocalOnly, dir.Path);
        Assert.Equal(4, directory.Count);
    }

    [Fact]
    public async Task Pattern_that_matches_nothing_is_an_error_naming_it()
    {
        using var dir = new TempDirectory();
        var error = await Assert.ThrowsAsync<StorageException>(() => ObjectLister.ListAsync(ObjectStoreResolver.LocalOnly, dir.Path + "/*.parquet"));
        Assert.Contains("matches no object", error.Message);
        Assert.Contains("*.parquet", error.Message);
    }

    [Fact]
    public void Unregistered_scheme_says_which_provider_is_missing()
    {
        var error = Assert.Throws<StorageException>(() => ObjectStoreResolver.LocalOnly.Resolve(ObjectLocation.Parse("s3://bucket/key")));
        Assert.Contains("s3://", error.Message);
    }
}
