using System.Collections.Concurrent;
using MlNetBatch.Storage;
using MlNetBatch.Testing.Storage;

namespace MlNetBatch.Tests.Storage;

public class RangedObjectStreamTests
{
    private static readonly ObjectLocation Location = ObjectLocation.Parse("mem://bucket/object.bin");

    [Fact]
    public async Task Random_seeks_and_reads_of_every_size_return_the_original_bytes()
    {
        var data = ObjectBytes.Random(200_000, seed: 1);
        var source = new FakeRemote(data);
        await using var stream = new RangedObjectStream(Location, data.Length, source.ReadAsync, blockSize: 4096, readAheadBytes: 8192);
        var random = new Random(2);

        for (var i = 0; i < 500; i++)
        {
            var offset = random.Next(data.Length);
            // Mostly small reads (buffered), some larger than a block (read straight into the caller's memory).
            var count = random.Next(4) == 0 ? random.Next(4096, 30_000) : random.Next(1, 600);
            var buffer = new byte[count];
            stream.Seek(offset, SeekOrigin.Begin);
            var read = i % 2 == 0 ? await stream.ReadAsync(buffer) : stream.Read(buffer, 0, count);

            var expected = Math.Min(count, data.Length - offset);
            Assert.Equal(expected, read);
            Assert.True(data.AsSpan(offset, expected).SequenceEqual(buffer.AsSpan(0, read)), $"read {i} at {offset} (+{count}) differs");
            Assert.Equal(offset + read, stream.Position);
        }
    }

    [Fact]
    public async Task A_sequential_reader_gets_every_byte_once_and_the_next_blocks_are_fetched_ahead()
    {
        var data = ObjectBytes.Random(100_000, seed: 3);
        var source = new FakeRemote(data);
        await using var stream = new RangedObjectStream(Location, data.Length, source.ReadAsync, blockSize: 10_000, readAheadBytes: 20_000);
        var copy = new MemoryStream();
        var buffer = new byte[1000];
        int read;
        while (stream.Position < 11_000)
        {
            read = await stream.ReadAsync(buffer);
            copy.Write(buffer, 0, read);
        }

        // Two blocks in a row make the reader sequential: while it is still inside the second block, the following
        // blocks are requested. They start on the thread pool, so on a busy machine they may take a moment to go out;
        // the reader asks for nothing meanwhile.
        var sawReadAhead = SpinWait.SpinUntil(() => source.Requests.Any(r => r.Offset >= 20_000), TimeSpan.FromSeconds(30));
        Assert.True(sawReadAhead, "no block was requested ahead of the reader");
        Assert.Equal(11_000, stream.Position);

        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        Assert.Equal(data, copy.ToArray());
        // Read-ahead never fetches a byte twice nor past the end.
        Assert.Equal(data.Length, source.Requests.Sum(r => (long)r.Count));
    }

    [Fact]
    public async Task Opening_fetches_nothing_and_reading_the_tail_fetches_only_one_block()
    {
        var data = ObjectBytes.Random(1_000_000, seed: 4);
        var source = new FakeRemote(data);
        await using var stream = new RangedObjectStream(Location, data.Length, source.ReadAsync, blockSize: 8192, readAheadBytes: 65_536);
        Assert.Empty(source.Requests);

        // The way Parquet starts: the last 8 bytes, then the footer before them.
        stream.Seek(-8, SeekOrigin.End);
        var tail = new byte[8];
        stream.ReadExactly(tail);
        Assert.Equal(data[^8..], tail);
        stream.Seek(-2000, SeekOrigin.End);
        var footer = new byte[1992];
        await stream.ReadExactlyAsync(footer);
        Assert.Equal(data[^2000..^8], footer);

        // Random reads never trigger read-ahead, so at most a block per read was transferred.
        Assert.True(source.Requests.Sum(r => (long)r.Count) <= 2 * 8192, $"{source.Requests.Sum(r => (long)r.Count)} bytes fetched");
    }

    [Fact]
    public async Task A_failed_fetch_surfaces_and_the_next_read_at_that_place_tries_again()
    {
        var data = ObjectBytes.Random(50_000, seed: 5);
        var source = new FakeRemote(data) { FailAt = 20_000 };
        await using var stream = new RangedObjectStream(Location, data.Length, source.ReadAsync, blockSize: 10_000, readAheadBytes: 20_000);
        var first = new byte[20_000];
        await stream.ReadExactlyAsync(first.AsMemory(0, 15_000));

        var error = await Assert.ThrowsAsync<IOException>(async () => await stream.ReadExactlyAsync(first.AsMemory(15_000)));
        Assert.Contains("injected", error.Message);

        source.FailAt = null;
        stream.Seek(20_000, SeekOrigin.Begin);
        var rest = new byte[30_000];
        await stream.ReadExactlyAsync(rest);
        Assert.Equal(data[20_000..], rest);
    }

    [Fact]
    public async Task A_failed_read_ahead_fails_the_read_that_needs_it_and_a_later_read_fetches_afresh()
    {
        var data = ObjectBytes.Random(100_000, seed: 7);
        var source = new FakeRemote(data) { FailAt = 50_000 };
        await using var stream = new RangedObjectStream(Location, data.Length, source.ReadAsync, blockSize: 10_000, readAheadBytes: 40_000);
        var buffer = new byte[1000];
        // Sequential small reads: by 20,000 the blocks up to 60,000 are being fetched ahead, the one at 50,000 failing.
        while (stream.Position < 20_000)
        {
            await stream.ReadExactlyAsync(buffer);
        }

        Assert.True(SpinWait.SpinUntil(() => source.Failures > 0, TimeSpan.FromSeconds(30)), "the read-ahead never reached the failing block");
        var copy = new MemoryStream();
        copy.Write(data, 0, 20_000);
        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            while (true)
            {
                await stream.ReadExactlyAsync(buffer);
                copy.Write(buffer);
            }
        });

        Assert.Contains("injected", error.Message);
        Assert.Equal(50_000, stream.Position);
        source.FailAt = null;
        await stream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task An_object_shorter_than_its_listed_size_is_reported_not_padded()
    {
        var data = ObjectBytes.Random(10_000, seed: 6);
        var source = new FakeRemote(data);
        await using var stream = new RangedObjectStream(Location, 12_000, source.ReadAsync, blockSize: 4096, readAheadBytes: 0);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await stream.CopyToAsync(Stream.Null));
        Assert.Contains("mem://bucket/object.bin", error.Message);
        Assert.Contains("before its listed size of 12000 bytes", error.Message);
    }

    private sealed class FakeRemote(byte[] data)
    {
        public ConcurrentQueue<(long Offset, int Count)> Requests { get; } = new();

        private int _failures;

        public long? FailAt { get; set; }

        public int Failures => Volatile.Read(ref _failures);

        public async ValueTask<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
        {
            var count = (int)Math.Min(destination.Length, Math.Max(0, data.Length - offset));
            var failing = FailAt is { } failAt && offset <= failAt && failAt < offset + destination.Length;
            if (!failing)
            {
                // Recorded when asked for, not when served: a read-ahead is visible even if a busy machine serves it late.
                Requests.Enqueue((offset, count));
            }

            await Task.Yield();
            if (failing)
            {
                Interlocked.Increment(ref _failures);
                throw new IOException("injected failure");
            }

            data.AsMemory((int)Math.Min(offset, data.Length), count).CopyTo(destination);
            return count;
        }
    }
}
