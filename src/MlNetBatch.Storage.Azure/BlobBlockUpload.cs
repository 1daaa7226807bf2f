using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace MlNetBatch.Storage.Azure;

/// <summary>
/// The Blob service calls behind one <see cref="PartUploadStream"/>: each part is staged as an uncommitted block and the
/// block list is committed at the end. Blocks never committed are garbage-collected by the service, so abort does nothing.
/// </summary>
internal sealed class BlobBlockUpload(BlockBlobClient blob, BlobAddress address, int blockSize) : IPartUpload
{
    // Unique per write: two writers of the same blob must not overwrite each other's uncommitted blocks.
    private readonly string _writeId = Guid.NewGuid().ToString("N");

    public async Task<string> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (partNumber > AzureBlobStorageDefaults.MaxBlocksPerBlob)
        {
            throw new StorageException(address.Location,
                $"the blob would need more than {AzureBlobStorageDefaults.MaxBlocksPerBlob} blocks of {blockSize} bytes; raise {AzureBlobStorageDefaults.SectionPath}:BlockSizeBytes.");
        }

        // Every block ID of a blob must have the same length: a fixed-width number after the write's ID.
        var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{_writeId}-{partNumber.ToString("D6", CultureInfo.InvariantCulture)}"));
        // BinaryData wraps the pooled part without a copy, in a stream the SDK can rewind when it retries.
        await Send(() => blob.StageBlockAsync(blockId, new BinaryData(content).ToStream(), new BlockBlobStageBlockOptions(), cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        return blockId;
    }

    public async Task<ObjectInfo> CommitAsync(IReadOnlyList<string> partTags, long length, CancellationToken cancellationToken)
    {
        var committed = await Send(() => blob.CommitBlockListAsync(partTags, new CommitBlockListOptions(), cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        return new ObjectInfo(address.Location, length, BlobObjectInfo.Normalize(committed.Value.ETag), committed.Value.LastModified);
    }

    public async Task<ObjectInfo> PutWholeAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var uploaded = await Send(() => blob.UploadAsync(new BinaryData(content).ToStream(), new BlobUploadOptions(), cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        return new ObjectInfo(address.Location, content.Length, BlobObjectInfo.Normalize(uploaded.Value.ETag), uploaded.Value.LastModified);
    }

    public Task AbortAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<T> Send<T>(Func<Task<T>> request, CancellationToken cancellationToken)
    {
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (Exception e) when (BlobErrors.IsServiceFailure(e, cancellationToken))
        {
            throw BlobErrors.Translate(e, address, blob.Uri);
        }
    }
}
