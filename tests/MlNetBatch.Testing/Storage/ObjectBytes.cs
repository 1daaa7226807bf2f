using MlNetBatch.Storage;

namespace MlNetBatch.Testing.Storage;

/// <summary>Writes and reads whole objects through a store, for byte-for-byte comparisons after a round trip.</summary>
public static class ObjectBytes
{
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes <paramref name="bytes"/> in uneven slices, as a sink would, then commits.</summary>
    public static async Task<ObjectInfo> WriteAsync(IObjectStore store, ObjectLocation location, byte[] bytes, int slice = 300_007)
    {
        await using var write = await store.CreateAsync(location);
        for (var offset = 0; offset < bytes.Length; offset += slice)
        {
            await write.Stream.WriteAsync(bytes.AsMemory(offset, Math.Min(slice, bytes.Length - offset)));
        }

        return await write.CommitAsync();
    }

    public static async Task<byte[]> ReadAsync(IObjectStore store, ObjectLocation location, ObjectInfo? expected = null)
    {
        await using var stream = await store.OpenReadAsync(location, expected);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
