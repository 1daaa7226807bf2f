using System.Buffers;

namespace MlNetBatch.Formats.Text;

/// <summary>
/// The two steps every text reader takes when it runs out of bytes, after keeping what it still needs at the front
/// of its pooled buffer: grow the buffer when that is all of it (one line or record fills it), then fill the free
/// space. Also where a UTF-8 byte order mark is recognised, so readers and the CSV planner agree on it.
/// </summary>
internal static class PooledReadBuffer
{
    /// <summary>The size of a text reader's first buffer.</summary>
    public const int InitialBytes = 1 << 16;

    /// <summary>
    /// Reads into the free space after the first <paramref name="used"/> bytes of <paramref name="buffer"/>, growing it
    /// (from the shared pool, the old one returned) when it has none; returns the bytes read, 0 at the end of the stream.
    /// The free space is filled, not just what one <c>Read</c> returns: remote and decompressing streams return short
    /// reads, and the byte order mark check after the first fill needs its three bytes.
    /// </summary>
    public static int FillFreeSpace(Stream stream, ref byte[] buffer, int used)
    {
        if (used == buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, 0, larger, 0, used);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        return stream.ReadAtLeast(buffer.AsSpan(used), buffer.Length - used, throwOnEndOfStream: false);
    }

    /// <summary>The length of the UTF-8 byte order mark <paramref name="start"/> begins with: 3, or 0 when it has none.</summary>
    public static int ByteOrderMarkLength(ReadOnlySpan<byte> start) => start.StartsWith("\uFEFF"u8) ? 3 : 0;
}
