using System.Buffers;

namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>
/// A growable byte buffer on pooled arrays, reused from page to page: pages are tens to hundreds of kilobytes, and
/// fresh arrays of that size would land on the large-object heap once per column per row group.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;

    public PooledBufferWriter(int initialCapacity = 4096)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>Bytes written since the last <see cref="Clear"/>.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    /// <summary>Already-written bytes at <paramref name="offset"/>, for filling in a length once the data after it is known.</summary>
    public Span<byte> GetSpanAt(int offset, int length) => _buffer.AsSpan(0, Length).Slice(offset, length);

    /// <summary>Forgets what was written, keeping the memory.</summary>
    public void Clear() => Length = 0;

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Length + count > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        Length += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(Length);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(Length);
    }

    /// <summary>Appends <paramref name="bytes"/>.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Length += bytes.Length;
    }

    /// <summary>Appends one byte.</summary>
    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        Length++;
    }

    /// <summary>Appends <paramref name="value"/> as an unsigned LEB128 varint.</summary>
    public void WriteVarint(ulong value)
    {
        var span = GetSpan(10);
        var written = 0;
        Pages.Varint.Write(span, ref written, value);
        Length += written;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        Length = 0;
    }

    private void Reserve(int sizeHint)
    {
        var needed = Length + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        // Doubling stops at the largest array .NET allows, so a page near a gigabyte still fits if it can.
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, (int)Math.Min(2L * _buffer.Length, Array.MaxLength)));
        _buffer.AsSpan(0, Length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
