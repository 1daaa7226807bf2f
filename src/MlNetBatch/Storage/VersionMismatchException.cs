namespace MlNetBatch.Storage;

/// <summary>
/// Thrown by <see cref="IObjectRangeReader.ReadRangeAsync"/> when the server reports a version other than the one
/// asked for (a failed If-Match or generation precondition, or a different ETag in the answer). The ranged stream
/// turns it into <see cref="ObjectChangedException"/> with the version there now.
/// </summary>
public sealed class VersionMismatchException(ObjectLocation location, Exception? innerException = null)
    : StorageException(location, "the object changed while it was being read; re-run the job to plan it again.", innerException);
