using System.Buffers;

namespace MlNetBatch.Storage;

/// <summary>
/// A write-only, forward-only stream that uploads an object in parts through a provider's <see cref="IPartUpload"/>
/// as they fill. Nothing is visible until <see cref="CompleteAsync"/>; an object smaller than one part is sent with one
/// request then.
/// </summary>
/// <remarks>
/// Memory is bounded to two pooled parts: one filling while the previous one uploads. <see cref="Position"/> reports
/// the bytes written so far, which is all Parquet.Net's writer needs from an output stream (it records column-chunk
/// offsets and never seeks back), so Parquet output streams to object storage without spooling it to disk or memory.
/// </remarks>
public sealed class PartUploadStream : Stream
{
    private readonly IPartUpload _upload;
    private readonly ObjectLocation _location;
    private readonly int _partSize;
    private readonly List<string> _partTags = [];
    private byte[] _part;

    // The previous part's buffer, reused for the next part once its upload has finished.
    private byte[]? _spare;
    private int _filled;
    private long _written;
    private Task? _uploading;
    private bool _closed;

    /// <summary>Creates the stream for one object; nothing is sent before the first part is full.</summary>
    public PartUploadStream(IPartUpload upload, ObjectLocation location, int partSize)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentOutOfRangeException.ThrowIfLessThan(partSize, 1);
        _upload = upload;
        _location = location;
        _partSize = partSize;
        _part = ArrayPool<byte>.Shared.Rent(partSize);
    }

    /// <summary>How many parts were handed to the provider so far: 0 while the object still fits in one part.</summary>
    public int PartsStarted { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => !_closed;

    /// <inheritdoc />
    public override long Length => _written;

    /// <summary>The bytes written so far; setting it is not supported.</summary>
    public override long Position
    {
        get => _written;
        set => throw ForwardOnly();
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfClosed();
        while (buffer.Length > 0)
        {
            var take = Copy(buffer);
            buffer = buffer[take..];
            if (_filled == _partSize)
            {
                // Synchronous writers (text sinks) block only when a part is full and the previous one still uploads.
                SendPartAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
        }
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        while (buffer.Length > 0)
        {
            var take = Copy(buffer.Span);
            buffer = buffer[take..];
            if (_filled == _partSize)
            {
                await SendPartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Parts are sent as they fill; nothing is visible before the commit, so there is nothing to flush.</summary>
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException($"{_location}: the stream is write-only.");

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw ForwardOnly();

    /// <inheritdoc />
    public override void SetLength(long value) => throw ForwardOnly();

    /// <summary>Sends what is left and publishes the object: one whole put, or the last part and the commit.</summary>
    public async Task<ObjectInfo> CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        if (PartsStarted == 0)
        {
            _closed = true;
            return await _upload.PutWholeAsync(_part.AsMemory(0, _filled), cancellationToken).ConfigureAwait(false);
        }

        if (_filled > 0)
        {
            await SendPartAsync(cancellationToken).ConfigureAwait(false);
        }

        await WaitForUploadAsync().ConfigureAwait(false);
        _closed = true;
        return await _upload.CommitAsync(_partTags, _written, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Abandons the upload: waits for a part in flight, then lets the provider drop the parts.</summary>
    public async Task AbortAsync()
    {
        _closed = true;
        try
        {
            await WaitForUploadAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The upload is being thrown away; the failure of its last part no longer matters.
        }

        if (PartsStarted > 0)
        {
            await _upload.AbortAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _part.Length > 0)
        {
            _closed = true;
            // A part still uploading keeps its buffer; it is collected rather than returned to the pool while in use.
            if (_uploading is null && _spare is { } spare)
            {
                ArrayPool<byte>.Shared.Return(spare);
            }

            _spare = null;
            ArrayPool<byte>.Shared.Return(_part);
            _part = [];
        }

        base.Dispose(disposing);
    }

    private int Copy(ReadOnlySpan<byte> source)
    {
        var take = Math.Min(source.Length, _partSize - _filled);
        source[..take].CopyTo(_part.AsSpan(_filled));
        _filled += take;
        _written += take;
        return take;
    }

    private async Task SendPartAsync(CancellationToken cancellationToken)
    {
        // One part uploads while the next fills: wait for the previous upload (surfacing its failure now).
        await WaitForUploadAsync().ConfigureAwait(false);
        var data = _part;
        var count = _filled;
        PartsStarted++;
        _part = _spare ?? ArrayPool<byte>.Shared.Rent(_partSize);
        _spare = null;
        _filled = 0;
        _uploading = UploadPartAsync(PartsStarted, data, count, cancellationToken);
    }

    private async Task UploadPartAsync(int number, byte[] data, int count, CancellationToken cancellationToken)
    {
        try
        {
            _partTags.Add(await _upload.UploadPartAsync(number, data.AsMemory(0, count), cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _spare = data;
        }
    }

    private async Task WaitForUploadAsync()
    {
        if (_uploading is { } uploading)
        {
            _uploading = null;
            await uploading.ConfigureAwait(false);
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ObjectDisposedException(nameof(PartUploadStream), $"The upload of {_location} was committed or abandoned; nothing more can be written.");
        }
    }

    private NotSupportedException ForwardOnly() => new($"{_location}: an object being uploaded can only be written forward.");
}
