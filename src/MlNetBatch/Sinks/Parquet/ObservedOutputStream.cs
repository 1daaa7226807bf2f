using System.Runtime.ExceptionServices;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>
/// The store's stream as Arrow's Parquet writer sees it: forward-only writes, a position it counts itself, and the
/// first failure kept, so that a full disk or a failed upload surfaces as the store's own exception.
/// </summary>
/// <remarks>
/// Arrow calls back into the stream from native code and reports a failure as a <c>ParquetException</c> carrying
/// only the message text; the job's retry policy needs the original (a transient <see cref="Storage.StorageException"/>
/// is retried, a permanent one is not).
/// </remarks>
internal sealed class ObservedOutputStream(Stream inner) : Stream
{
    private long _position;
    private bool _abandoned;

    /// <summary>The first exception the underlying stream threw, if any.</summary>
    public ExceptionDispatchInfo? Failure { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => _position;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("A Parquet output is written forward only.");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Refuses every later write: the file will not be committed, so nothing more need reach the store.</summary>
    public void Abandon() => _abandoned = true;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_abandoned)
        {
            throw new IOException("The Parquet output was abandoned.");
        }

        try
        {
            inner.Write(buffer);
        }
        catch (Exception e)
        {
            Failure ??= ExceptionDispatchInfo.Capture(e);
            throw;
        }

        _position += buffer.Length;
    }

    public override void Flush()
    {
        try
        {
            inner.Flush();
        }
        catch (Exception e)
        {
            Failure ??= ExceptionDispatchInfo.Capture(e);
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
