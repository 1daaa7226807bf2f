namespace MlNetBatch.Storage.Azure;

/// <summary>An <see cref="IAtomicObjectWrite"/> for a block blob: staged blocks, published by one commit of the block list.</summary>
internal sealed class BlobAtomicWrite(BlockUploadStream stream, ObjectLocation location) : IAtomicObjectWrite
{
    /// <inheritdoc />
    public Stream Stream => stream;

    /// <inheritdoc />
    public ObjectLocation Location => location;

    /// <inheritdoc />
    public async Task<ObjectInfo> CommitAsync(CancellationToken cancellationToken = default)
    {
        var committed = await stream.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ObjectInfo(location, stream.Length, BlobObjectInfo.Normalize(committed.ETag), committed.LastModified);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => stream.DisposeAsync();
}
