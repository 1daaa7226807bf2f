using System.Buffers;

namespace MlNetBatch.Storage;

/// <summary>One block of an object fetched into a pooled buffer; <see cref="Release"/> hands the buffer back.</summary>
internal sealed class FetchedBlock(long offset, byte[] data, int count)
{
    public long Offset => offset;

    public int Count => count;

    public long End => offset + count;

    public byte[] Data => data;

    public bool Contains(long position) => position >= offset && position < offset + count;

    public void Release() => ArrayPool<byte>.Shared.Return(data);
}
