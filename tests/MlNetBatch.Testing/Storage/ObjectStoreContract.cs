using MlNetBatch.Storage;
using Xunit;

namespace MlNetBatch.Testing.Storage;

/// <summary>
/// The behaviour every <see cref="IObjectStore"/> promises, asserted the same way against each real server: ranged
/// reads, a change found before or during a read (also by a read-ahead), uploads invisible until commit, abort, commit.
/// Each provider's test project derives a class that says how to reach its server.
/// </summary>
public abstract partial class ObjectStoreContract
{
    /// <summary>Large enough for many read blocks and, with the derived class's part size, for parts uploaded before commit.</summary>
    protected const int ObjectSize = 6 << 20;

    /// <summary>The store under test, set up with small read blocks (about 64 KiB) and read-ahead on.</summary>
    protected abstract IObjectStore Store { get; }

    /// <summary>Whether the store writes; a read-only one must refuse with a clear message instead.</summary>
    protected virtual bool Writes => true;

    /// <summary>
    /// Whether a reader notices that the object was replaced after it opened it. Remote stores pin every range to the
    /// version; a local file stays readable as the version that was opened, which is no change for that reader.
    /// </summary>
    protected virtual bool SeesReplacementWhileReading => true;

    /// <summary>A location no other test uses.</summary>
    protected abstract ObjectLocation NewLocation(string name);

    /// <summary>Puts <paramref name="bytes"/> under <paramref name="location"/>, replacing what is there (through the store unless it is read-only).</summary>
    protected virtual async Task PutAsync(ObjectLocation location, byte[] bytes) => await ObjectBytes.WriteAsync(Store, location, bytes);

    [Fact]
    public async Task Contract_random_ranged_reads_return_the_original_bytes()
    {
        var location = NewLocation("ranged.bin");
        var bytes = ObjectBytes.Random(ObjectSize, seed: 1);
        await PutAsync(location, bytes);
        await using var stream = await Store.OpenReadAsync(location, await Store.StatAsync(location));
        var random = new Random(2);
        var buffer = new byte[300_000];

        Assert.Equal(bytes.Length, stream.Length);
        for (var i = 0; i < 40; i++)
        {
            var offset = random.Next(bytes.Length);
            var count = Math.Min(random.Next(1, buffer.Length), bytes.Length - offset);
            stream.Position = offset;
            await stream.ReadExactlyAsync(buffer.AsMemory(0, count));
            Assert.True(bytes.AsSpan(offset, count).SequenceEqual(buffer.AsSpan(0, count)), $"bytes differ at {offset}+{count}");
        }

        stream.Seek(-10, SeekOrigin.End);
        Assert.Equal(10, await stream.ReadAsync(buffer.AsMemory(0, 100)));
        Assert.Equal(0, await stream.ReadAsync(buffer.AsMemory(0, 100)));
    }

    [Fact]
    public async Task Contract_a_sequential_read_with_read_ahead_returns_every_byte()
    {
        var location = NewLocation("sequential.bin");
        var bytes = ObjectBytes.Random(ObjectSize, seed: 3);
        await PutAsync(location, bytes);

        Assert.Equal(bytes, await ObjectBytes.ReadAsync(Store, location));
    }

    [Fact]
    public async Task Contract_opening_an_object_that_changed_after_planning_throws_ObjectChangedException()
    {
        var location = NewLocation("changed.bin");
        await PutAsync(location, ObjectBytes.Random(1000, seed: 4));
        var planned = await Store.StatAsync(location);
        await PutAsync(location, ObjectBytes.Random(2000, seed: 5));

        var error = await Assert.ThrowsAsync<ObjectChangedException>(() => Store.OpenReadAsync(location, planned));

        Assert.StartsWith($"{location}: the object changed after the job was planned (size 1000 -> 2000", error.Message);
    }

    [Fact]
    public async Task Contract_an_object_replaced_during_a_read_with_read_ahead_fails_the_read_with_ObjectChangedException()
    {
        var location = NewLocation("replaced.bin");
        var original = ObjectBytes.Random(ObjectSize, seed: 6);
        await PutAsync(location, original);
        await using var stream = await Store.OpenReadAsync(location);
        // Small reads across block boundaries, so that the blocks after them are fetched ahead when the object is replaced.
        var head = await ReadInSmallPiecesAsync(stream, 200_000);
        await PutAsync(location, ObjectBytes.Random(ObjectSize, seed: 7));

        if (SeesReplacementWhileReading)
        {
            var error = await Assert.ThrowsAsync<ObjectChangedException>(() => ReadInSmallPiecesAsync(stream, ObjectSize));
            Assert.Contains(location.ToString(), error.Message);
        }
        else
        {
            byte[] whole = [.. head, .. await ReadInSmallPiecesAsync(stream, ObjectSize)];
            Assert.Equal(original, whole);
        }
    }

    [Fact]
    public async Task Contract_an_upload_is_invisible_until_commit_and_identical_after()
    {
        var location = NewLocation("committed.bin");
        var bytes = ObjectBytes.Random(ObjectSize, seed: 8);
        if (!Writes)
        {
            var refused = await Assert.ThrowsAsync<NotSupportedException>(() => Store.CreateAsync(location));
            Assert.Contains("read-only", refused.Message);
            return;
        }

        await using (var write = await Store.CreateAsync(location))
        {
            await write.Stream.WriteAsync(bytes);
            await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.StatAsync(location));

            var committed = await write.CommitAsync();

            Assert.Equal(location, committed.Location);
            Assert.Equal(bytes.Length, committed.Size);
            Assert.Equal(bytes.Length, (await Store.StatAsync(location)).Size);
        }

        Assert.Equal(bytes, await ObjectBytes.ReadAsync(Store, location));
    }

    [Fact]
    public async Task Contract_disposing_an_upload_without_commit_leaves_nothing_and_keeps_an_existing_object()
    {
        var fresh = NewLocation("abandoned.bin");
        var existing = NewLocation("kept.bin");
        if (!Writes)
        {
            var refused = await Assert.ThrowsAsync<NotSupportedException>(() => Store.DeleteAsync(existing));
            Assert.Contains("read-only", refused.Message);
            return;
        }

        var original = ObjectBytes.Random(1000, seed: 9);
        await PutAsync(existing, original);
        foreach (var location in new[] { fresh, existing })
        {
            await using var write = await Store.CreateAsync(location);
            await write.Stream.WriteAsync(ObjectBytes.Random(ObjectSize, seed: 10));
        }

        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.StatAsync(fresh));
        Assert.Equal(original, await ObjectBytes.ReadAsync(Store, existing));
    }

    private static async Task<byte[]> ReadInSmallPiecesAsync(Stream stream, int atMost)
    {
        var copy = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while (copy.Length < atMost && (read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, atMost - copy.Length)))) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }
}
