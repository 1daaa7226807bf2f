namespace MlNetBatch.Storage;

/// <summary>A place where input and output objects live: a local disk, a bucket, a container.</summary>
/// <remarks>
/// Kept deliberately small so that cloud providers, retries, read-ahead and fault injection can be
/// written as separate implementations or decorators of this one seam.
/// </remarks>
public interface IObjectStore
{
    /// <summary>Whether this store serves the given location (by scheme, e.g. <c>file</c>, <c>s3</c>).</summary>
    bool CanHandle(ObjectLocation location);

    /// <summary>Whether objects can be written and deleted here; a read-only store (plain https://) says no, so a sink there is refused up front.</summary>
    bool CanWrite => true;

    /// <summary>Lists the objects whose location starts with <paramref name="prefix"/>, recursively.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, CancellationToken cancellationToken = default);

    /// <summary>Size and version identity of one object; throws <see cref="ObjectNotFoundException"/> when absent.</summary>
    Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a seekable, read-only stream over the object. When <paramref name="expected"/> is given and the
    /// object changed since it was listed, throws <see cref="ObjectChangedException"/>.
    /// </summary>
    Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts writing an object that becomes visible under <paramref name="location"/> only when
    /// <see cref="IAtomicObjectWrite.CommitAsync"/> succeeds; disposing without commit leaves nothing behind.
    /// </summary>
    Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default);

    /// <summary>Removes an object if it exists.</summary>
    Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes what writes that were never committed left under <paramref name="prefix"/> (a crashed process's
    /// temporary files), for those objects <paramref name="isOwned"/> says the caller writes: temporary files of
    /// anybody else's objects are left alone. Only call it while holding the prefix exclusively. Object stores keep
    /// uncommitted uploads invisible, so the default does nothing.
    /// </summary>
    Task RemoveAbandonedWritesAsync(ObjectLocation prefix, Func<ObjectLocation, bool> isOwned, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>
    /// Writes a small object only if none exists under that name; returns the version written (as
    /// <see cref="ObjectInfo.ETag"/> reports it), or null when one exists. Stores with conditional writes (a local
    /// file moved without overwrite, If-None-Match on object stores) make this atomic, which leases rely on. The
    /// default checks, then writes: correct, but racy between two writers.
    /// </summary>
    async Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        try
        {
            await StatAsync(location, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ObjectNotFoundException)
        {
        }

        await using var write = await CreateAsync(location, cancellationToken).ConfigureAwait(false);
        await write.Stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        return (await write.CommitAsync(cancellationToken).ConfigureAwait(false)).ETag;
    }

    /// <summary>
    /// Replaces a small object only while its version is still <paramref name="expectedVersion"/> (a version
    /// <see cref="TryCreateNewAsync"/>, this method or <see cref="StatAsync"/> reported); returns the new version, or
    /// null when the object is gone or is another version now. Of two writers replacing one version, at most one
    /// succeeds. A null can also answer a retried request whose first attempt wrote: callers that must tell the two
    /// apart read the object back.
    /// </summary>
    Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default);
}
