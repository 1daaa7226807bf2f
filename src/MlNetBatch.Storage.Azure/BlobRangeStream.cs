using System.Buffers;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace MlNetBatch.Storage.Azure;

/// <summary>
/// A seekable, read-only stream over one version of a blob. Bytes are fetched with ranged downloads of one block each,
/// only where the reader looks, and every request carries <c>If-Match</c> so that a blob rewritten while it is being
/// read fails with <see cref="ObjectChangedException"/> instead of mixing two versions.
/// </summary>
/// <remarks>
/// Parquet readers jump (footer, then column chunks); CSV and JSON Lines readers seek once and then read forward.
/// So read-ahead starts only when a reader crosses from one block into the next, and is dropped on the next jump.
/// Memory is bounded by one block plus <see cref="AzureBlobStorageOptions.ReadAheadBytes"/>. Reads of a block or more
/// go straight into the caller's buffer.
/// </remarks>
internal sealed class BlobRangeStream : Stream
{
    private readonly BlobBaseClient _blob;
    private readonly BlobAddress _address;
    private readonly ObjectInfo _version;
    private readonly BlobRequestConditions _sameVersion;
    private readonly int _blockSize;
    private readonly int _readAheadBlocks;
    private readonly Queue<Prefetch> _ahead = new();
    private CancellationTokenSource? _aheadCancellation;
    private Segment? _current;
    private long _position;
    private bool _disposed;

    public BlobRangeStream(BlobBaseClient blob, BlobAddress address, ObjectInfo version, AzureBlobStorageOptions options)
    {
        _blob = blob;
        _address = address;
        _version = version;
        _sameVersion = BlobObjectInfo.SameVersion(version);
        _blockSize = options.BlockSizeBytes;
        _readAheadBlocks = (options.ReadAheadBytes + options.BlockSizeBytes - 1) / options.BlockSizeBytes;
    }

    /// <inheritdoc />
    public override bool CanRead => !_disposed;

    /// <inheritdoc />
    public override bool CanSeek => !_disposed;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => _version.Size;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _version.Size + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        // Nothing is fetched here: a seek followed by a seek costs no request.
        _position = target;
        return target;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        var read = ReadCoreAsync(buffer.AsMemory(offset, count), async: false, CancellationToken.None);
        return read.IsCompleted ? read.Result : read.AsTask().GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var read = Read(rented, 0, buffer.Length);
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadCoreAsync(buffer.AsMemory(offset, count), async: true, cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(buffer, async: true, cancellationToken);

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException("A blob read stream cannot be resized.");

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A blob read stream cannot be written.");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            DiscardReadAhead();
            _current?.Release();
            _current = null;
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadCoreAsync(Memory<byte> destination, bool async, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length == 0 || _position >= _version.Size)
        {
            return 0;
        }

        var wanted = (int)Math.Min(destination.Length, _version.Size - _position);
        if (_current is null || _position < _current.Offset || _position >= _current.End)
        {
            var sequential = _current is not null && _position == _current.End;
            var prefetched = TakePrefetched(_position);
            if (prefetched is null && wanted >= _blockSize)
            {
                // A column chunk or other large read: one request straight into the caller's memory, no copy.
                await DownloadAsync(_position, destination[..wanted], async, cancellationToken).ConfigureAwait(false);
                _position += wanted;
                return wanted;
            }

            Segment segment;
            if (prefetched is not null)
            {
                segment = async ? await prefetched.ConfigureAwait(false) : prefetched.GetAwaiter().GetResult();
            }
            else
            {
                segment = await FetchAsync(_position, async, cancellationToken).ConfigureAwait(false);
            }

            _current?.Release();
            _current = segment;
            if (sequential || prefetched is not null)
            {
                StartReadAhead();
            }
        }

        var copied = (int)Math.Min(wanted, _current.End - _position);
        _current.Buffer.AsMemory((int)(_position - _current.Offset), copied).CopyTo(destination);
        _position += copied;
        return copied;
    }

    private Task<Segment>? TakePrefetched(long position)
    {
        if (_ahead.Count > 0 && _ahead.Peek().Offset == position)
        {
            return _ahead.Dequeue().Segment;
        }

        // Any other position is a jump: what was fetched ahead will not be read.
        DiscardReadAhead();
        return null;
    }

    private void StartReadAhead()
    {
        if (_readAheadBlocks == 0 || _current is null)
        {
            return;
        }

        _aheadCancellation ??= new CancellationTokenSource();
        var next = _ahead.Count > 0 ? _ahead.Last().End : _current.End;
        while (_ahead.Count < _readAheadBlocks && next < _version.Size)
        {
            var offset = next;
            _ahead.Enqueue(new Prefetch(offset, offset + SegmentLength(offset), FetchAsync(offset, async: true, _aheadCancellation.Token)));
            next = offset + SegmentLength(offset);
        }
    }

    private void DiscardReadAhead()
    {
        if (_ahead.Count == 0)
        {
            return;
        }

        _aheadCancellation?.Cancel();
        _aheadCancellation = null;
        while (_ahead.TryDequeue(out var prefetch))
        {
            // Fetches still in flight give their buffer back when they finish; failures of abandoned fetches are observed here.
            prefetch.Segment.ContinueWith(
                static t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        t.Result.Release();
                    }
                    else
                    {
                        _ = t.Exception;
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private int SegmentLength(long offset) => (int)Math.Min(_blockSize, _version.Size - offset);

    private async Task<Segment> FetchAsync(long offset, bool async, CancellationToken cancellationToken)
    {
        var length = SegmentLength(offset);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await DownloadAsync(offset, buffer.AsMemory(0, length), async, cancellationToken).ConfigureAwait(false);
            return new Segment(offset, buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private async Task DownloadAsync(long offset, Memory<byte> destination, bool async, CancellationToken cancellationToken)
    {
        var options = new BlobDownloadOptions { Range = new HttpRange(offset, destination.Length), Conditions = _sameVersion };
        try
        {
            // The content stream resumes by itself (same range, same ETag) when a connection drops mid-body.
            using var result = async
                ? (await _blob.DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false)).Value
                : _blob.DownloadStreaming(options, cancellationToken).Value;
            var content = result.Content;
            var read = 0;
            while (read < destination.Length)
            {
                var n = async
                    ? await content.ReadAsync(destination[read..], cancellationToken).ConfigureAwait(false)
                    : content.Read(destination.Span[read..]);
                if (n == 0)
                {
                    throw new StorageException(_address.Location,
                        $"the service ended the range at offset {offset} after {read} of {destination.Length} bytes ({BlobErrors.WithoutQuery(_blob.Uri)}).");
                }

                read += n;
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrors.ConditionNotMet || e.Status == 412)
        {
            throw await ChangedAsync(e, async).ConfigureAwait(false);
        }
        catch (Exception e) when (BlobErrors.IsServiceFailure(e, cancellationToken))
        {
            throw BlobErrors.Translate(e, _address, _blob.Uri);
        }
    }

    private async Task<StorageException> ChangedAsync(RequestFailedException conditionFailed, bool async)
    {
        try
        {
            var properties = async
                ? (await _blob.GetPropertiesAsync().ConfigureAwait(false)).Value
                : _blob.GetProperties().Value;
            return new ObjectChangedException(_address.Location, _version, BlobObjectInfo.From(_address.Location, properties));
        }
        catch (RequestFailedException e) when (e.ErrorCode == "BlobNotFound")
        {
            // Deleted since it was planned.
            return new ObjectNotFoundException(_address.Location, conditionFailed);
        }
        catch (Exception e) when (BlobErrors.IsServiceFailure(e, CancellationToken.None))
        {
            return BlobErrors.Translate(e, _address, _blob.Uri);
        }
    }

    private sealed class Segment(long offset, byte[] buffer, int length)
    {
        public long Offset => offset;

        public long End => offset + length;

        public byte[] Buffer => buffer;

        public void Release() => ArrayPool<byte>.Shared.Return(buffer);
    }

    private sealed record Prefetch(long Offset, long End, Task<Segment> Segment);
}
