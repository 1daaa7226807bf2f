using MlNetBatch.Storage.Azure.Tests.Support;

namespace MlNetBatch.Storage.Azure.Tests.Storage;

public class BlobReadTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int LargeSize = 20_000_000;

    [Fact]
    public async Task Random_seeks_and_reads_of_a_20_MB_blob_return_the_original_bytes()
    {
        var (location, bytes) = await UploadLargeAsync(seed: 1);
        var store = azurite.Store();
        var info = await store.StatAsync(location);
        await using var stream = await store.OpenReadAsync(location, info);
        var random = new Random(7);
        var buffer = new byte[3 << 20];

        Assert.True(stream.CanSeek);
        Assert.Equal(bytes.Length, stream.Length);
        for (var i = 0; i < 120; i++)
        {
            var offset = random.NextInt64(bytes.Length);
            // Up to three blocks: small reads go through the block buffer, large ones straight into the caller's buffer.
            var count = (int)Math.Min(random.Next(1, buffer.Length), bytes.Length - offset);
            if (i % 3 == 0)
            {
                stream.Seek(offset - stream.Position, SeekOrigin.Current);
            }
            else
            {
                stream.Position = offset;
            }

            if (i % 2 == 0)
            {
                await stream.ReadExactlyAsync(buffer.AsMemory(0, count));
            }
            else
            {
                stream.ReadExactly(buffer, 0, count);
            }

            Assert.True(bytes.AsSpan((int)offset, count).SequenceEqual(buffer.AsSpan(0, count)), $"bytes differ at {offset}+{count}");
            Assert.Equal(offset + count, stream.Position);
        }

        stream.Seek(-10, SeekOrigin.End);
        Assert.Equal(10, await stream.ReadAsync(buffer.AsMemory(0, 100)));
        Assert.True(bytes.AsSpan(bytes.Length - 10).SequenceEqual(buffer.AsSpan(0, 10)));
        Assert.Equal(0, await stream.ReadAsync(buffer.AsMemory(0, 100)));
    }

    [Fact]
    public async Task A_sequential_read_with_read_ahead_returns_the_original_bytes()
    {
        var (location, bytes) = await UploadLargeAsync(seed: 2);
        var store = azurite.Store();

        await using (var stream = await store.OpenReadAsync(location))
        {
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy, 64 << 10);
            BytesAssert.Equal(bytes, copy.ToArray());
        }

        // The synchronous path, as the CSV line reader uses it, from the middle of a block.
        await using (var stream = await store.OpenReadAsync(location))
        {
            stream.Seek(1_234_567, SeekOrigin.Begin);
            var copy = new MemoryStream();
            stream.CopyTo(copy, 1 << 16);
            BytesAssert.Equal(bytes.AsSpan(1_234_567), copy.ToArray());
        }
    }

    [Fact]
    public async Task Reads_download_only_the_ranges_they_need_and_a_sequential_read_downloads_each_byte_once()
    {
        var (location, bytes) = await UploadLargeAsync(seed: 5);
        var log = new RequestLog();
        var store = azurite.Store(log);

        await using (var stream = await store.OpenReadAsync(location))
        {
            stream.Seek(10_000_000, SeekOrigin.Begin);
            stream.ReadExactly(new byte[100]);
        }

        // One HEAD for the version, one block-sized range for the 100 bytes: never the whole blob.
        Assert.Equal(["HEAD", "GET"], log.Entries.Select(e => e.Method));
        Assert.Equal("bytes=10000000-11048575", log.Entries[1].Range);

        var sequential = new RequestLog();
        await using (var stream = await azurite.Store(sequential).OpenReadAsync(location))
        {
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy, 100_000);
            BytesAssert.Equal(bytes, copy.ToArray());
        }

        Assert.Equal(bytes.Length, sequential.DownloadedBytes);
        Assert.Equal((bytes.Length + (1 << 20) - 1) >> 20, sequential.Entries.Count(e => e.Method == "GET"));
    }

    [Fact]
    public async Task Reading_without_read_ahead_returns_the_same_bytes()
    {
        var (location, bytes) = await UploadLargeAsync(seed: 3);
        var store = azurite.Store(o => o.ReadAheadBytes = 0);

        await using var stream = await store.OpenReadAsync(location);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, 100_000);

        BytesAssert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Opening_a_blob_that_changed_after_it_was_planned_throws_ObjectChangedException()
    {
        var root = await azurite.NewContainerAsync();
        var location = ObjectLocation.Parse(root + "/data/a.csv");
        await azurite.UploadAsync(location.ToString(), "id\n1\n"u8.ToArray());
        var store = azurite.Store();
        var planned = await store.StatAsync(location);
        await azurite.UploadAsync(location.ToString(), "id\n1\n2\n"u8.ToArray());

        var error = await Assert.ThrowsAsync<ObjectChangedException>(() => store.OpenReadAsync(location, planned));

        Assert.StartsWith($"{location}: the object changed after the job was planned (size 5 -> 7", error.Message);
    }

    [Fact]
    public async Task A_blob_rewritten_while_it_is_being_read_fails_the_next_range_with_ObjectChangedException()
    {
        var (location, _) = await UploadLargeAsync(seed: 4);
        var store = azurite.Store(o => o.ReadAheadBytes = 0);
        await using var stream = await store.OpenReadAsync(location);
        var buffer = new byte[1000];
        await stream.ReadExactlyAsync(buffer);

        await azurite.UploadAsync(location.ToString(), RandomBytes.Create(LargeSize, seed: 99));
        stream.Seek(10_000_000, SeekOrigin.Begin);
        var error = await Assert.ThrowsAsync<ObjectChangedException>(() => stream.ReadExactlyAsync(buffer).AsTask());

        Assert.Contains(location.ToString(), error.Message);
    }

    [Fact]
    public async Task Opening_a_missing_blob_throws_ObjectNotFoundException()
    {
        var root = await azurite.NewContainerAsync();

        await Assert.ThrowsAsync<ObjectNotFoundException>(() => azurite.Store().OpenReadAsync(ObjectLocation.Parse(root + "/missing.parquet")));
    }

    private async Task<(ObjectLocation Location, byte[] Bytes)> UploadLargeAsync(int seed)
    {
        var root = await azurite.NewContainerAsync();
        var location = ObjectLocation.Parse(root + "/large/blob.bin");
        var bytes = RandomBytes.Create(LargeSize, seed);
        await azurite.UploadAsync(location.ToString(), bytes);
        return (location, bytes);
    }
}
