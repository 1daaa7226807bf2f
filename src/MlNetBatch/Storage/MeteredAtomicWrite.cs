namespace MlNetBatch.Storage;

/// <summary>An object being written whose stream counts its bytes (see <see cref="MeteredObjectStore"/>).</summary>
internal sealed class MeteredAtomicWrite(IAtomicObjectWrite inner, ByteCounter counter) : IAtomicObjectWrite
{
    /// <inheritdoc />
    public Stream Stream { get; } = new MeteredWriteStream(inner.Stream, counter);

    /// <inheritdoc />
    public ObjectLocation Location => inner.Location;

    /// <inheritdoc />
    public Task<ObjectInfo> CommitAsync(CancellationToken cancellationToken = default) => inner.CommitAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
