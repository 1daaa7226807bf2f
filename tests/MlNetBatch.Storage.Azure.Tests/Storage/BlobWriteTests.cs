using Azure.Storage.Blobs.Models;
using MlNetBatch.Storage.Azure.Tests.Support;

namespace MlNetBatch.Storage.Azure.Tests.Storage;

public class BlobWriteTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_large_blob_uploaded_in_blocks_has_the_same_bytes_after_commit()
    {
        var root = await azurite.NewContainerAsync();
        var location = ObjectLocation.Parse(root + "/out/large.bin");
        var bytes = RandomBytes.Create(20_000_000 + 12_345, seed: 5);
        var store = azurite.Store();

        await using (var write = await store.CreateAsync(location))
        {
            var random = new Random(3);
            var offset = 0;
            while (offset < bytes.Length)
            {
                // Writes of every size, some spanning several blocks, through both the async and the sync path.
                var count = Math.Min(random.Next(1, 2_500_000), bytes.Length - offset);
                if (random.Next(2) == 0)
                {
                    await write.Stream.WriteAsync(bytes.AsMemory(offset, count));
                }
                else
                {
                    write.Stream.Write(bytes, offset, count);
                }

                offset += count;
            }

            var committed = await write.CommitAsync();

            Assert.Equal(bytes.Length, committed.Size);
            Assert.Equal(location, committed.Location);
            Assert.Equal(committed, await store.StatAsync(location));
        }

        var downloaded = await azurite.DownloadAsync(location.ToString());
        BytesAssert.Equal(bytes, downloaded);
        var blocks = (await azurite.BlockBlob(location.ToString()).GetBlockListAsync(BlockListTypes.Committed)).Value;
        Assert.Equal((bytes.Length + (1 << 20) - 1) >> 20, blocks.CommittedBlocks.Count());
    }

    [Fact]
    public async Task A_blob_is_neither_listed_nor_readable_before_its_commit()
    {
        var root = await azurite.NewContainerAsync();
        var location = ObjectLocation.Parse(root + "/out/part-00000.csv");
        var bytes = RandomBytes.Create(3_500_000, seed: 6);
        var store = azurite.Store();
        await using var write = await store.CreateAsync(location);
        await write.Stream.WriteAsync(bytes);

        // Three full blocks are staged by now, but none is part of the blob.
        var staged = (await azurite.BlockBlob(location.ToString()).GetBlockListAsync(BlockListTypes.Uncommitted)).Value;
        Assert.True(staged.UncommittedBlocks.Count() >= 2);
        Assert.Empty(await store.ListAsync(ObjectLocation.Parse(root + "/")).ToListAsync());
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.StatAsync(location));
        Assert.False((await azurite.Blob(location.ToString()).ExistsAsync()).Value);

        await write.CommitAsync();

        Assert.Equal([location], (await store.ListAsync(ObjectLocation.Parse(root + "/")).ToListAsync()).Select(i => i.Location));
        var downloaded = await azurite.DownloadAsync(location.ToString());
        BytesAssert.Equal(bytes, downloaded);
    }

    [Fact]
    public async Task Disposing_without_commit_leaves_nothing_and_keeps_an_existing_blob_unchanged()
    {
        var root = await azurite.NewContainerAsync();
        var fresh = ObjectLocation.Parse(root + "/out/fresh.bin");
        var existing = ObjectLocation.Parse(root + "/out/existing.bin");
        var original = RandomBytes.Create(1000, seed: 8);
        await azurite.UploadAsync(existing.ToString(), original);
        var store = azurite.Store();

        foreach (var location in new[] { fresh, existing })
        {
            await using var write = await store.CreateAsync(location);
            await write.Stream.WriteAsync(RandomBytes.Create(2_500_000, seed: 9));
        }

        Assert.False((await azurite.Blob(fresh.ToString()).ExistsAsync()).Value);
        Assert.Equal(original, await azurite.DownloadAsync(existing.ToString()));
        Assert.Equal([existing], (await store.ListAsync(ObjectLocation.Parse(root + "/")).ToListAsync()).Select(i => i.Location));
    }

    [Fact]
    public async Task An_empty_object_commits_as_an_empty_blob()
    {
        var root = await azurite.NewContainerAsync();
        var location = ObjectLocation.Parse(root + "/empty.csv");
        var store = azurite.Store();

        await using (var write = await store.CreateAsync(location))
        {
            Assert.Equal(0, (await write.CommitAsync()).Size);
        }

        Assert.Empty(await azurite.DownloadAsync(location.ToString()));
    }

    [Fact]
    public async Task Committing_again_overwrites_the_blob_whole()
    {
        var root = await azurite.NewContainerAsync();
        var location = ObjectLocation.Parse(root + "/out/a.bin");
        var store = azurite.Store();
        foreach (var seed in new[] { 1, 2 })
        {
            await using var write = await store.CreateAsync(location);
            await write.Stream.WriteAsync(RandomBytes.Create(1_500_000 / seed, seed));
            await write.CommitAsync();
        }

        Assert.Equal(RandomBytes.Create(750_000, 2), await azurite.DownloadAsync(location.ToString()));
    }
}
