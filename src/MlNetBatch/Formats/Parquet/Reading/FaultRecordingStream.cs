using System.Runtime.ExceptionServices;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Passes reads through to a store's stream and remembers the first one that failed. ParquetSharp hands a stream's
/// exception to Arrow as a message only, which would turn a dropped connection (worth a retry) into what looks like
/// a corrupt file; with the original kept, the reader rethrows it as it was.
/// </summary>
internal sealed class FaultRecordingStream(Stream inner) : ReadOnlyStream
{
    /// <summary>The first exception a read, seek or length query threw, if any.</summary>
    public ExceptionDispatchInfo? Fault { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => inner.CanRead;

    /// <inheritdoc />
    public override bool CanSeek => inner.CanSeek;

    /// <inheritdoc />
    public override long Length => Record(() => inner.Length);

    /// <inheritdoc />
    public override long Position
    {
        get => Record(() => inner.Position);
        set => Record(() => inner.Position = value);
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return inner.Read(buffer, offset, count);
        }
        catch (Exception e)
        {
            Fault ??= ExceptionDispatchInfo.Capture(e);
            throw;
        }
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => Record(() => inner.Seek(offset, origin));

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private T Record<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception e)
        {
            Fault ??= ExceptionDispatchInfo.Capture(e);
            throw;
        }
    }
}
