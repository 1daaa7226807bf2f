using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Support;

/// <summary>A test store that passes every call to an inner store; decorators override only what they observe or change.</summary>
public abstract class ForwardingObjectStore(IObjectStore inner) : IObjectStore
{
    /// <summary>The store calls go to.</summary>
    protected IObjectStore Inner => inner;

    public virtual bool CanHandle(ObjectLocation location) => inner.CanHandle(location);

    public virtual IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public virtual Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default) => inner.StatAsync(location, cancellationToken);

    public virtual Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default) =>
        inner.OpenReadAsync(location, expected, cancellationToken);

    public virtual Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default) => inner.CreateAsync(location, cancellationToken);

    public virtual Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default) => inner.DeleteAsync(location, cancellationToken);

    public virtual Task RemoveAbandonedWritesAsync(ObjectLocation prefix, Func<ObjectLocation, bool> isOwned, CancellationToken cancellationToken = default) =>
        inner.RemoveAbandonedWritesAsync(prefix, isOwned, cancellationToken);

    public virtual Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        inner.TryCreateNewAsync(location, content, cancellationToken);

    public virtual Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default) =>
        inner.TryReplaceAsync(location, content, expectedVersion, cancellationToken);
}
