using System.Buffers;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace MlNetBatch.Storage.Azure;

/// <summary>
/// A write-only stream that stages each full block as an uncommitted block of the blob, and publishes them all at once
/// with <see cref="CommitAsync"/>. Until then nothing is visible under the blob's name; blocks never committed are
/// garbage-collected by the service.
/// </summary>
/// <remarks>
/// The stream does not seek, and needs not: Parquet.Net 6.1 documents its output as "writeable, seekable", but it only
/// writes forward (it counts offsets itself, and never reads <see cref="Stream.Position"/> or calls
/// <see cref="Stream.Seek"/>; a test writes Parquet through this stream and reads it back). So Parquet output is
/// uploaded block by block like CSV, without spooling the file to a local disk or holding it in memory.
/// While one block uploads the next one fills, so a writer holds at most two blocks.
/// </remarks>
internal sealed class BlockUploadStream : Stream
{
    private readonly BlockBlobClient _blob;
    private readonly BlobAddress _address;
    private readonly int _blockSize;
    // Unique per write: two writers of the same blob must not overwrite each other's uncommitted blocks.
    private readonly string _writeId = Guid.NewGuid().ToString("N");
    private readonly List<string> _blockIds = [];
    private byte[] _buffer;
    private byte[]? _spare;
    private int _filled;
    private Task? _staging;
    private long _length;
    private bool _closed;

    public BlockUploadStream(BlockBlobClient blob, BlobAddress address, int blockSize)
    {
        _blob = blob;
        _address = address;
        _blockSize = blockSize;
        _buffer = ArrayPool<byte>.Shared.Rent(blockSize);
    }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => !_closed;

    /// <inheritdoc />
    public override long Length => _length;

    /// <summary>The number of bytes written so far; setting it is not supported.</summary>
    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException("A blob upload stream writes forward only.");
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
            var take = Math.Min(buffer.Length, _blockSize - _filled);
            buffer[..take].CopyTo(_buffer.AsSpan(_filled));
            _filled += take;
            _length += take;
            buffer = buffer[take..];
            if (_filled == _blockSize)
            {
                StageBufferAsync(async: false, CancellationToken.None).GetAwaiter().GetResult();
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
            var take = Math.Min(buffer.Length, _blockSize - _filled);
            buffer[..take].CopyTo(_buffer.AsMemory(_filled));
            _filled += take;
            _length += take;
            buffer = buffer[take..];
            if (_filled == _blockSize)
            {
                await StageBufferAsync(async: true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Blocks are staged as they fill; a flush cannot publish anything before the commit.</summary>
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("A blob upload stream cannot be read.");

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A blob upload stream writes forward only.");

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException("A blob upload stream writes forward only.");

    /// <summary>Stages what is left and commits the block list: the blob appears, whole, under its name.</summary>
    public async Task<BlobContentInfo> CommitAsync(CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        if (_filled > 0)
        {
            await StageBufferAsync(async: true, cancellationToken).ConfigureAwait(false);
        }

        await WaitForStagingAsync().ConfigureAwait(false);
        _closed = true;
        try
        {
            // An empty list is valid: it publishes an empty blob.
            var response = await _blob.CommitBlockListAsync(_blockIds, new CommitBlockListOptions(), cancellationToken).ConfigureAwait(false);
            return response.Value;
        }
        catch (Exception e) when (BlobErrors.IsServiceFailure(e, cancellationToken))
        {
            throw BlobErrors.Translate(e, _address, _blob.Uri);
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (_buffer.Length > 0)
        {
            _closed = true;
            try
            {
                await WaitForStagingAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Abandoned, so whatever went wrong staging no longer matters: the blocks staged so far are never
                // committed, and the service drops them. Disposing must not throw over the error that led here.
            }

            ReleaseBuffers();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            _closed = true;
            try
            {
                _staging?.GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // As in DisposeAsync: uncommitted blocks are dropped by the service.
            }

            ReleaseBuffers();
        }

        base.Dispose(disposing);
    }

    private async Task StageBufferAsync(bool async, CancellationToken cancellationToken)
    {
        if (_blockIds.Count == AzureBlobStorageDefaults.MaxBlocksPerBlob)
        {
            throw new StorageException(_address.Location,
                $"the blob would need more than {AzureBlobStorageDefaults.MaxBlocksPerBlob} blocks of {_blockSize} bytes; raise {AzureBlobStorageDefaults.SectionPath}:BlockSizeBytes.");
        }

        // At most one block uploads while the next fills: wait for the previous one, and surface its failure now.
        await WaitForStagingAsync().ConfigureAwait(false);
        var blockId = BlockId(_blockIds.Count);
        _blockIds.Add(blockId);
        var block = _buffer;
        var length = _filled;
        _buffer = _spare ?? ArrayPool<byte>.Shared.Rent(_blockSize);
        _spare = null;
        _filled = 0;
        if (async)
        {
            _staging = StageAsync(blockId, block, length, cancellationToken);
        }
        else
        {
            StageAsync(blockId, block, length, cancellationToken, async: false).GetAwaiter().GetResult();
        }
    }

    private async Task StageAsync(string blockId, byte[] block, int length, CancellationToken cancellationToken, bool async = true)
    {
        try
        {
            // A MemoryStream over the block, so that the SDK can rewind it when it retries.
            using var content = new MemoryStream(block, 0, length, writable: false);
            if (async)
            {
                await _blob.StageBlockAsync(blockId, content, new BlockBlobStageBlockOptions(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _blob.StageBlock(blockId, content, new BlockBlobStageBlockOptions(), cancellationToken);
            }
        }
        catch (Exception e) when (BlobErrors.IsServiceFailure(e, cancellationToken))
        {
            throw BlobErrors.Translate(e, _address, _blob.Uri);
        }
        finally
        {
            if (_spare is null)
            {
                _spare = block;
            }
            else
            {
                ArrayPool<byte>.Shared.Return(block);
            }
        }
    }

    private async Task WaitForStagingAsync()
    {
        if (_staging is { } staging)
        {
            _staging = null;
            await staging.ConfigureAwait(false);
        }
    }

    private string BlockId(int index) =>
        // Every block ID of a blob must have the same length: a fixed-width index after the write's ID.
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{_writeId}-{index.ToString("D6", CultureInfo.InvariantCulture)}"));

    private void ReleaseBuffers()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        if (_spare is not null)
        {
            ArrayPool<byte>.Shared.Return(_spare);
            _spare = null;
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ObjectDisposedException(nameof(BlockUploadStream), $"The upload of {_address.Location} was committed or abandoned; nothing more can be written.");
        }
    }
}
