namespace MlNetBatch.Storage;

/// <summary>What a remote store supplies so that <see cref="RangedObjectStream"/> can read its objects.</summary>
public interface IObjectRangeReader
{
    /// <summary>The object as it is now; throws <see cref="ObjectNotFoundException"/> when absent.</summary>
    Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads bytes of <paramref name="version"/> from <paramref name="offset"/> into <paramref name="destination"/> with
    /// one request pinned to that version, and returns how many arrived (fewer than asked when the object or the
    /// response ends). Throws <see cref="VersionMismatchException"/> when the server holds another version.
    /// </summary>
    ValueTask<int> ReadRangeAsync(ObjectInfo version, long offset, Memory<byte> destination, CancellationToken cancellationToken);
}
