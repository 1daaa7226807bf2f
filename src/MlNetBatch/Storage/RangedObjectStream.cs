using System.Buffers;

namespace MlNetBatch.Storage;

/// <summary>
/// A seekable, read-only stream over a remote object that fetches only the byte ranges being read, through a
/// provider's <see cref="ReadRange"/> delegate (an S3 ranged GET, an HTTP <c>Range</c> request…).
/// </summary>
/// <remarks>
/// Reads are served from one buffered block of <c>blockSize</c> bytes; a read of at least a block goes straight into
/// the caller's memory. When the reader moves forward sequentially, up to <c>readAheadBytes</c> of the following
/// blocks are fetched in the background, so network latency overlaps with decoding. A seek elsewhere drops the
/// read-ahead. The whole object is never downloaded up front. Not thread-safe, like any stream.
/// </remarks>
public sealed class RangedObjectStream : Stream
{
    /// <summary>Bytes fetched per request when the caller reads less than that.</summary>
    public const int DefaultBlockSize = 4 << 20;

    private readonly ObjectLocation _location;
    private readonly long _length;
    private readonly ReadRange _readRange;
    private readonly int _blockSize;
    private readonly int _readAheadBlocks;

    // Blocks being fetched ahead of the reader, in file order, each starting where the previous one ends.
    private readonly Queue<PendingBlock> _ahead = new();

    // Cancels the read-ahead when the reader seeks away or the stream is disposed.
    private CancellationTokenSource _aheadCancellation = new();
    private Block? _current;
    private long _position;

    // Where the last network fetch ended: a miss exactly there means the reader is streaming forward.
    private long _lastFetchEnd = -1;
    private bool _disposed;

    /// <summary>
    /// Fills <paramref name="destination"/> with the object's bytes starting at <paramref name="offset"/> and returns
    /// how many were written: fewer than asked only when the object ends. Throws <see cref="ObjectChangedException"/>
    /// when the object is no longer the version the stream was opened on.
    /// </summary>
    public delegate ValueTask<int> ReadRange(long offset, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a stream over <paramref name="current"/>, the object as a stat just found it, after checking that it is
    /// still <paramref name="expected"/>, the version the read was planned on (when one is given).
    /// </summary>
    /// <param name="expected">The version planned on, or null to read whatever is there now.</param>
    /// <param name="current">The object as it is now.</param>
    /// <param name="isSameVersion">Whether two descriptions are the same version, as the store defines it.</param>
    /// <param name="readVersion">Reads byte ranges of one version, failing if the object changes under it.</param>
    /// <param name="blockSize">Bytes per request for small reads.</param>
    /// <param name="readAheadBytes">Bytes fetched in the background ahead of a sequential reader.</param>
    /// <exception cref="ObjectChangedException">The object is no longer the expected version.</exception>
    public static RangedObjectStream ForVersion(
        ObjectInfo? expected, ObjectInfo current, Func<ObjectInfo, ObjectInfo, bool> isSameVersion, Func<ObjectInfo, ReadRange> readVersion,
        int blockSize, int readAheadBytes)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(isSameVersion);
        ArgumentNullException.ThrowIfNull(readVersion);
        if (expected is not null && !isSameVersion(expected, current))
        {
            throw new ObjectChangedException(current.Location, expected, current);
        }

        var version = expected ?? current;
        return new RangedObjectStream(current.Location, version.Size, readVersion(version), blockSize, readAheadBytes);
    }

    /// <summary>Creates a stream over an object of <paramref name="length"/> bytes, read through <paramref name="readRange"/>.</summary>
    /// <param name="location">The object, for error messages.</param>
    /// <param name="length">The object's size, from the listing or stat the read was planned on.</param>
    /// <param name="readRange">Fetches one byte range.</param>
    /// <param name="blockSize">Bytes per request for small reads.</param>
    /// <param name="readAheadBytes">Bytes fetched in the background ahead of a sequential reader; 0 turns read-ahead off.</param>
    public RangedObjectStream(ObjectLocation location, long length, ReadRange readRange, int blockSize = DefaultBlockSize, int readAheadBytes = DefaultBlockSize)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(readRange);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(readAheadBytes);
        _location = location;
        _length = length;
        _readRange = readRange;
        _blockSize = blockSize;
        _readAheadBlocks = (int)((readAheadBytes + (long)blockSize - 1) / blockSize);
    }

    /// <inheritdoc />
    public override bool CanRead => !_disposed;

    /// <inheritdoc />
    public override bool CanSeek => !_disposed;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => _length;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0)
        {
            throw new IOException($"{_location}: cannot seek before the start of the object (offset {target}).");
        }

        _position = target;
        return target;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        // Synchronous callers (line readers) block on the async path; no context is captured, so this cannot deadlock.
        return ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
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
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var total = 0;
        while (buffer.Length > 0 && _position < _length)
        {
            if (_current is { } block && _position >= block.Offset && _position < block.Offset + block.Count)
            {
                var start = (int)(_position - block.Offset);
                var take = Math.Min(buffer.Length, block.Count - start);
                block.Data.AsMemory(start, take).CopyTo(buffer);
                buffer = buffer[take..];
                _position += take;
                total += take;
                continue;
            }

            var wanted = (int)Math.Min(buffer.Length, _length - _position);
            if (wanted >= _blockSize && !IsAhead(_position))
            {
                // A large read (a Parquet column chunk) needs no intermediate copy: fetch it into the caller's memory.
                DropReadAhead();
                await FillAsync(_position, buffer[..wanted], cancellationToken).ConfigureAwait(false);
                _lastFetchEnd = _position + wanted;
                buffer = buffer[wanted..];
                _position += wanted;
                total += wanted;
                continue;
            }

            await LoadBlockAsync(_position, cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException($"{_location}: the stream is read-only.");

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException($"{_location}: the stream is read-only.");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            DropReadAhead();
            _aheadCancellation.Dispose();
            ReturnCurrent();
        }

        base.Dispose(disposing);
    }

    private bool IsAhead(long offset) => _ahead.TryPeek(out var next) && next.Offset == offset;

    private async Task LoadBlockAsync(long offset, CancellationToken cancellationToken)
    {
        var sequential = offset == _lastFetchEnd;
        Block block;
        if (IsAhead(offset))
        {
            var pending = _ahead.Dequeue();
            try
            {
                block = await pending.Fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The next read retries from here with a fresh request rather than replaying a failed read-ahead.
                Release(pending);
                DropReadAhead();
                throw;
            }

            sequential = true;
        }
        else
        {
            DropReadAhead();
            block = await FetchBlockAsync(offset, cancellationToken).ConfigureAwait(false);
        }

        ReturnCurrent();
        _current = block;
        _lastFetchEnd = block.Offset + block.Count;
        if (sequential)
        {
            TopUpReadAhead(_lastFetchEnd);
        }
    }

    private void TopUpReadAhead(long after)
    {
        var next = after;
        foreach (var pending in _ahead)
        {
            next = pending.Offset + pending.Count;
        }

        var token = _aheadCancellation.Token;
        while (_ahead.Count < _readAheadBlocks && next < _length)
        {
            var offset = next;
            var count = (int)Math.Min(_blockSize, _length - offset);
            // Task.Run: the provider's request must not start on, or block, the reader's thread.
            _ahead.Enqueue(new PendingBlock(offset, count, Task.Run(() => FetchBlockAsync(offset, token), token)));
            next += count;
        }
    }

    private void DropReadAhead()
    {
        if (_ahead.Count == 0)
        {
            return;
        }

        _aheadCancellation.Cancel();
        _aheadCancellation.Dispose();
        _aheadCancellation = new CancellationTokenSource();
        while (_ahead.TryDequeue(out var pending))
        {
            Release(pending);
        }
    }

    private static void Release(PendingBlock pending)
    {
        // The fetch may still be writing into its buffer: hand the buffer back only once it has finished.
        // Observing the task here also keeps a failed read-ahead from surfacing as an unobserved exception.
        _ = pending.Fetch.ContinueWith(
            static t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    ArrayPool<byte>.Shared.Return(t.Result.Data);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task<Block> FetchBlockAsync(long offset, CancellationToken cancellationToken)
    {
        var count = (int)Math.Min(_blockSize, _length - offset);
        var data = ArrayPool<byte>.Shared.Rent(count);
        try
        {
            await FillAsync(offset, data.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            return new Block(offset, data, count);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(data);
            throw;
        }
    }

    private async Task FillAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < destination.Length)
        {
            var read = await _readRange(offset + filled, destination[filled..], cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                // The length came from the listing, so a short object means it was truncated or replaced under us.
                throw new StorageException(_location,
                    $"the object ended at byte {offset + filled}, before its listed size of {_length} bytes; it may have been replaced while being read.");
            }

            filled += read;
        }
    }

    private void ReturnCurrent()
    {
        if (_current is { } block)
        {
            ArrayPool<byte>.Shared.Return(block.Data);
            _current = null;
        }
    }

    private sealed record Block(long Offset, byte[] Data, int Count);

    private sealed record PendingBlock(long Offset, int Count, Task<Block> Fetch);
}
