using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;

namespace MlNetBatch.Storage.S3;

/// <summary>
/// A write-only, forward-only stream that uploads an object in parts as they fill: the multipart upload is started
/// with the first full part, and finished or aborted by <see cref="S3AtomicWrite"/>. An object smaller than one part
/// never starts a multipart upload; it is sent with one PutObject at commit.
/// </summary>
/// <remarks>
/// Memory is bounded to two parts: one filling while the previous one uploads. <see cref="Position"/> reports the bytes
/// written so far, which is all Parquet.Net's writer needs from an output stream (it records column-chunk offsets and
/// never seeks back), so Parquet output streams straight to S3 without spooling the file to disk or memory.
/// </remarks>
internal sealed class S3UploadStream : Stream
{
    private readonly IAmazonS3 _client;
    private readonly ObjectLocation _location;
    private readonly S3StorageOptions _options;
    private readonly S3ErrorTranslator _errors;
    private readonly List<PartETag> _uploadedParts = [];
    private byte[] _part;

    // The previous part's buffer, handed back once its upload has finished.
    private byte[]? _spare;
    private int _filled;
    private long _written;
    private Task? _uploading;
    private bool _closed;

    public S3UploadStream(IAmazonS3 client, ObjectLocation location, S3StorageOptions options, S3ErrorTranslator errors)
    {
        _client = client;
        _location = location;
        _options = options;
        _errors = errors;
        _part = ArrayPool<byte>.Shared.Rent(options.PartSizeBytes);
    }

    /// <summary>The multipart upload's id once one was started; null while the object still fits in one part.</summary>
    public string? UploadId { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_closed;

    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException($"{_location}: an object being uploaded can only be written forward.");
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        // Synchronous writers (text sinks) block only when a part is full and the previous one is still uploading.
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // Fast path without a network call: copy while the current part has room.
        if (!_closed && buffer.Length <= _options.PartSizeBytes - _filled)
        {
            buffer.CopyTo(_part.AsSpan(_filled));
            _filled += buffer.Length;
            _written += buffer.Length;
            if (_filled < _options.PartSizeBytes)
            {
                return;
            }

            SendFullPartAsync(CancellationToken.None).GetAwaiter().GetResult();
            return;
        }

        var copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(copy);
            Write(copy, 0, buffer.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        while (buffer.Length > 0)
        {
            var take = Math.Min(buffer.Length, _options.PartSizeBytes - _filled);
            buffer[..take].CopyTo(_part.AsMemory(_filled));
            _filled += take;
            _written += take;
            buffer = buffer[take..];
            if (_filled == _options.PartSizeBytes)
            {
                await SendFullPartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Flush()
    {
        // Parts are sent when full; nothing is visible before commit, so there is nothing useful to flush.
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException($"{_location}: the stream is write-only.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException($"{_location}: an object being uploaded can only be written forward.");

    public override void SetLength(long value) => throw new NotSupportedException($"{_location}: an object being uploaded can only be written forward.");

    /// <summary>Uploads what is left and makes the object visible: one PutObject, or the last part and CompleteMultipartUpload.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _closed = true;
        if (UploadId is null)
        {
            await PutAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_filled > 0)
        {
            await SendPartAsync(cancellationToken).ConfigureAwait(false);
        }

        await WaitForUploadAsync().ConfigureAwait(false);
        var request = new CompleteMultipartUploadRequest
        {
            BucketName = _location.Container,
            Key = _location.Key,
            UploadId = UploadId,
            PartETags = _uploadedParts.OrderBy(p => p.PartNumber).ToList(),
        };
        try
        {
            await _client.CompleteMultipartUploadAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (S3ErrorTranslator.ShouldTranslate(e, cancellationToken))
        {
            throw _errors.Translate(e, _location);
        }
    }

    /// <summary>Abandons the upload: waits for a part in flight, then aborts the multipart upload so no parts are billed.</summary>
    public async Task AbortAsync()
    {
        _closed = true;
        try
        {
            await WaitForUploadAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The upload is being thrown away; its failure no longer matters.
        }

        if (UploadId is { } uploadId)
        {
            var request = new AbortMultipartUploadRequest { BucketName = _location.Container, Key = _location.Key, UploadId = uploadId };
            await _client.AbortMultipartUploadAsync(request).ConfigureAwait(false);
            UploadId = null;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _closed = true;
            ReturnBuffers();
        }

        base.Dispose(disposing);
    }

    private async Task SendFullPartAsync(CancellationToken cancellationToken)
    {
        if (UploadId is null)
        {
            var request = new InitiateMultipartUploadRequest { BucketName = _location.Container, Key = _location.Key };
            try
            {
                UploadId = (await _client.InitiateMultipartUploadAsync(request, cancellationToken).ConfigureAwait(false)).UploadId;
            }
            catch (Exception e) when (S3ErrorTranslator.ShouldTranslate(e, cancellationToken))
            {
                throw _errors.Translate(e, _location);
            }
        }

        await SendPartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SendPartAsync(CancellationToken cancellationToken)
    {
        // One part uploads while the next fills: wait for the previous upload, whose buffer becomes the next part.
        await WaitForUploadAsync().ConfigureAwait(false);
        var data = _part;
        var count = _filled;
        var number = _uploadedParts.Count + 1;
        _part = _spare ?? ArrayPool<byte>.Shared.Rent(_options.PartSizeBytes);
        _spare = null;
        _filled = 0;
        _uploading = UploadPartAsync(number, data, count, cancellationToken);
    }

    private async Task UploadPartAsync(int number, byte[] data, int count, CancellationToken cancellationToken)
    {
        var request = new UploadPartRequest
        {
            BucketName = _location.Container,
            Key = _location.Key,
            UploadId = UploadId,
            PartNumber = number,
            PartSize = count,
            InputStream = new MemoryStream(data, 0, count, writable: false),
            UseChunkEncoding = _options.UseChunkEncoding,
        };
        try
        {
            var response = await _client.UploadPartAsync(request, cancellationToken).ConfigureAwait(false);
            _uploadedParts.Add(new PartETag(number, response.ETag));
        }
        catch (Exception e) when (S3ErrorTranslator.ShouldTranslate(e, cancellationToken))
        {
            throw _errors.Translate(e, _location);
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

    private async Task PutAsync(CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _location.Container,
            Key = _location.Key,
            InputStream = new MemoryStream(_part, 0, _filled, writable: false),
            UseChunkEncoding = _options.UseChunkEncoding,
        };
        try
        {
            await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (S3ErrorTranslator.ShouldTranslate(e, cancellationToken))
        {
            throw _errors.Translate(e, _location);
        }
    }

    private void ReturnBuffers()
    {
        // A part still uploading keeps its buffer; it is collected rather than returned to the pool while in use.
        if (_uploading is null && _spare is { } spare)
        {
            ArrayPool<byte>.Shared.Return(spare);
        }

        _spare = null;
        if (_part.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_part);
            _part = [];
        }
    }
}
