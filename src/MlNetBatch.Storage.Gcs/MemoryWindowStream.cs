namespace MlNetBatch.Storage.Gcs;

/// <summary>
/// A write-only stream that fills a caller's memory, so that a ranged download lands straight in the reader's buffer.
/// Bytes beyond the window are dropped: a server that ignores the range and sends more costs bandwidth, not correctness.
/// </summary>
internal sealed class MemoryWindowStream(Memory<byte> window) : Stream
{
    private Memory<byte> _free = window;

    /// <summary>How many bytes of the window were filled.</summary>
    public int Written { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Written;

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var take = Math.Min(buffer.Length, _free.Length);
        buffer[..take].CopyTo(_free.Span);
        _free = _free[take..];
        Written += take;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
