using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using MlNetBatch.Storage;
using MlNetBatch.Testing.Storage;

namespace MlNetBatch.Tests.Storage;

public class PartUploadStreamTests
{
    private static readonly ObjectLocation Location = ObjectLocation.Parse("mem://bucket/out.bin");

    [Fact]
    public async Task Parts_are_uploaded_in_order_as_they_fill_and_the_commit_names_them_all()
    {
        var data = ObjectBytes.Random(35_000, seed: 1);
        var upload = new FakeUpload();
        await using var write = new PartUploadWrite(upload, Location, partSize: 10_000, NullLogger.Instance);
        var random = new Random(2);
        for (var offset = 0; offset < data.Length;)
        {
            // Writes of every size, through the synchronous and the asynchronous path.
            var count = Math.Min(random.Next(1, 25_000), data.Length - offset);
            if (random.Next(2) == 0)
            {
                await write.Stream.WriteAsync(data.AsMemory(offset, count));
            }
            else
            {
                write.Stream.Write(data, offset, count);
            }

            offset += count;
        }

        Assert.Equal(data.Length, write.Stream.Position);
        Assert.Equal(0, upload.Committed.Length);
        var committed = await write.CommitAsync();

        Assert.Equal(data.Length, committed.Size);
        Assert.Equal(["part-1", "part-2", "part-3", "part-4"], upload.CommittedTags);
        Assert.Equal(data, upload.Committed.ToArray());
        Assert.Equal(0, upload.Aborts);
    }

    [Fact]
    public async Task An_object_smaller_than_a_part_is_sent_whole_and_an_empty_one_too()
    {
        foreach (var size in new[] { 0, 1, 9_999 })
        {
            var data = ObjectBytes.Random(size, seed: size);
            var upload = new FakeUpload();
            await using var write = new PartUploadWrite(upload, Location, partSize: 10_000, NullLogger.Instance);
            await write.Stream.WriteAsync(data);

            await write.CommitAsync();

            Assert.Empty(upload.Parts);
            Assert.Equal(data, upload.Committed.ToArray());
        }
    }

    [Fact]
    public async Task Disposing_without_commit_aborts_the_parts_and_publishes_nothing()
    {
        var upload = new FakeUpload();
        await using (var write = new PartUploadWrite(upload, Location, partSize: 10_000, NullLogger.Instance))
        {
            await write.Stream.WriteAsync(ObjectBytes.Random(25_000, seed: 3));
        }

        Assert.Equal(2, upload.Parts.Count);
        Assert.Equal(1, upload.Aborts);
        Assert.Equal(0, upload.Committed.Length);
    }

    [Fact]
    public async Task A_failed_part_fails_a_later_write_or_the_commit_and_the_upload_is_aborted()
    {
        var upload = new FakeUpload { FailPart = 2 };
        await using (var write = new PartUploadWrite(upload, Location, partSize: 10_000, NullLogger.Instance))
        {
            await write.Stream.WriteAsync(ObjectBytes.Random(25_000, seed: 4));

            var error = await Assert.ThrowsAsync<StorageException>(() => write.CommitAsync());

            Assert.Contains("part 2 refused", error.Message);
        }

        Assert.Equal(1, upload.Aborts);
        Assert.Equal(0, upload.Committed.Length);
    }

    [Fact]
    public async Task Writing_after_the_commit_is_refused()
    {
        var upload = new FakeUpload();
        await using var write = new PartUploadWrite(upload, Location, partSize: 10_000, NullLogger.Instance);
        await write.CommitAsync();

        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => write.Stream.WriteAsync(new byte[1]).AsTask());

        Assert.Contains("committed or abandoned", error.Message);
    }

    private sealed class FakeUpload : IPartUpload
    {
        public ConcurrentDictionary<int, byte[]> Parts { get; } = new();

        public MemoryStream Committed { get; } = new();

        public IReadOnlyList<string> CommittedTags { get; private set; } = [];

        public int Aborts { get; private set; }

        public int? FailPart { get; init; }

        public async Task<string> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (partNumber == FailPart)
            {
                throw new StorageException(Location, $"part {partNumber} refused.");
            }

            Parts[partNumber] = content.ToArray();
            return $"part-{partNumber}";
        }

        public Task<ObjectInfo> CommitAsync(IReadOnlyList<string> partTags, long length, CancellationToken cancellationToken)
        {
            CommittedTags = [.. partTags];
            foreach (var tag in partTags)
            {
                Committed.Write(Parts[int.Parse(tag["part-".Length..], System.Globalization.CultureInfo.InvariantCulture)]);
            }

            return Task.FromResult(new ObjectInfo(Location, length, "v1", DateTimeOffset.UnixEpoch));
        }

        public Task<ObjectInfo> PutWholeAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            Committed.Write(content.Span);
            return Task.FromResult(new ObjectInfo(Location, content.Length, "v1", DateTimeOffset.UnixEpoch));
        }

        public Task AbortAsync(CancellationToken cancellationToken)
        {
            Aborts++;
            return Task.CompletedTask;
        }
    }
}
