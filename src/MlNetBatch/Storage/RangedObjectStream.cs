using System.Buffers;

namespace MlNetBatch.Storage;

/// <summary>
/// A seekable, read-only stream over one version of a remote object that fetches only the byte ranges being read,
/// through a provider's <see cref="ReadRange"/> (an S3 ranged GET, an Azure ranged download, an HTTP <c>Range</c> request…).
/// </summary>
/// <remarks>
/// Small reads are served from one buffered block; a read of a block or more goes straight into the caller's memory
/// (a Parquet column chunk needs no intermediate copy). Once the reader crosses from one block into the next, up to
/// <c>readAheadBytes</c> of the following blocks are fetched in the background (<see cref="BlockReadAhead"/>); a
/// seek elsewhere drops them. A read fills the caller's buffer unless the object ends. Not thread-safe, like any stream.
/// </remarks>
public sealed class RangedObjectStream : Stream
{
    /// <summary>Bytes fetched per request when the caller reads less than that.</summary>
    public const int DefaultBlockSize = 4 << 20;

    private readonly ObjectLocation _location;
    private readonly long _length;
    private readonly ReadRange _readRange;
    private readonly int _blockSize;
    private readonly BlockReadAhead _ahead;
    private FetchedBlock? _current;
    private long _position;

    // Where the last network fetch ended: a miss exactly there means the reader is streaming forward.
    private long _lastFetchEnd = -1;
    private bool _disposed;

    /// <summary>
    /// Fills <paramref name="destination"/> with the object's bytes starting at <paramref name="offset"/> and returns
    /// how many were written (fewer only when a response ends early; the stream asks again for the rest).
    /// </summary>
    public delegate ValueTask<int> ReadRange(long offset, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>Stats <paramref name="location"/> through <paramref name="reader"/>, then opens it as <see cref="ForVersion"/> does.</summary>
    public static async Task<Stream> OpenAsync(
        IObjectRangeReader reader, ObjectLocation location, ObjectInfo? expected, RangedReadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        var current = await reader.StatAsync(location, cancellationToken).ConfigureAwait(false);
        return ForVersion(expected, current, reader, options.ReadBlockBytes, options.ReadAheadBytes);
    }

    /// <summary>
    /// Opens a stream over <paramref name="current"/>, the object as a stat just found it, after checking that it is
    /// still <paramref name="expected"/> (when given) by the one <see cref="ObjectVersion"/> rule. Every range is read
    /// from that version; a change found mid-read fails with <see cref="ObjectChangedException"/>.
    /// </summary>
    /// <exception cref="ObjectChangedException">The object is no longer the expected version.</exception>
    public static RangedObjectStream ForVersion(ObjectInfo? expected, ObjectInfo current, IObjectRangeReader reader, int blockSize, int readAheadBytes)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(reader);
        ObjectVersion.ThrowIfChanged(expected, current);
        var version = expected ?? current;
        return new RangedObjectStream(current.Location, version.Size, async (offset, destination, cancellationToken) =>
        {
            try
            {
                return await reader.ReadRangeAsync(version, offset, destination, cancellationToken).ConfigureAwait(false);
            }
            catch (VersionMismatchException)
            {
                throw await ObjectVersion.DescribeChangeAsync(reader.StatAsync, version, cancellationToken).ConfigureAwait(false);
            }
        }, blockSize, readAheadBytes);
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
        _ahead = new BlockReadAhead((int)((readAheadBytes + (long)blockSize - 1) / blockSize), FetchBlockAsync);
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
        set => Seek(value, SeekOrigin.Begin);
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

        // Nothing is fetched here: a seek followed by a seek costs no request.
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
            if (_current is { } block && block.Contains(_position))
            {
                var start = (int)(_position - block.Offset);
                var take = Math.Min(buffer.Length, block.Count - start);
                block.Data.AsMemory(start, take).CopyTo(buffer);
                buffer = buffer[take..];
                _position += take;
                total += take;
                continue;
            }

            var prefetched = _ahead.Take(_position);
            var wanted = (int)Math.Min(buffer.Length, _length - _position);
            if (prefetched is null && wanted >= _blockSize)
            {
                await FillAsync(_position, buffer[..wanted], cancellationToken).ConfigureAwait(false);
                _lastFetchEnd = _position + wanted;
                buffer = buffer[wanted..];
                _position += wanted;
                total += wanted;
                continue;
            }

            var sequential = prefetched is not null || _position == _lastFetchEnd;
            var fetch = prefetched ?? FetchBlockAsync(_position, cancellationToken);
            FetchedBlock next;
            try
            {
                next = await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // A failed read-ahead fails this read, and is observed; the next read here sends a fresh request.
                BlockReadAhead.Forget(fetch);
                _ahead.Drop();
                throw;
            }

            _current?.Release();
            _current = next;
            _lastFetchEnd = next.End;
            if (sequential)
            {
                _ahead.TopUp(next.End, _length, _blockSize);
            }
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
            _ahead.Dispose();
            _current?.Release();
            _current = null;
        }

        base.Dispose(disposing);
    }

    private async Task<FetchedBlock> FetchBlockAsync(long offset, CancellationToken cancellationToken)
    {
        var count = (int)Math.Min(_blockSize, _length - offset);
        var data = ArrayPool<byte>.Shared.Rent(count);
        try
        {
            await FillAsync(offset, data.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            return new FetchedBlock(offset, data, count);
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
}
