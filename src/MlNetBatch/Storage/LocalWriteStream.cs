namespace MlNetBatch.Storage;

/// <summary>
/// The stream of a local write: a file stream that turns "no space left on the device" into a permanent
/// <see cref="StorageException"/> naming the object, the free space and how much was written.
/// </summary>
internal sealed class LocalWriteStream(ObjectLocation location, FileStream file) : Stream
{
    public override bool CanRead => file.CanRead;

    public override bool CanSeek => file.CanSeek;

    public override bool CanWrite => file.CanWrite;

    public override long Length => file.Length;

    public override long Position
    {
        get => file.Position;
        set => file.Position = value;
    }

    public override void Flush() => Translate(file.Flush);

    /// <summary>Flushes the operating system's buffers too, so that a rename after it publishes complete data.</summary>
    public void FlushToDisk() => Translate(() => file.Flush(flushToDisk: true));

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            throw DiskFull.Describe(location, file.Length, e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

    public override void SetLength(long value) => Translate(() => file.SetLength(value));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            file.Write(buffer);
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            throw DiskFull.Describe(location, file.Length, e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            throw DiskFull.Describe(location, file.Length, e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await file.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Translate(Action action)
    {
        try
        {
            action();
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            throw DiskFull.Describe(location, file.Length, e);
        }
    }
}
