namespace MlNetBatch.Storage;

/// <summary>Reading or writing an object failed; the message names the location and the cause.</summary>
public class StorageException : MlNetBatchException
{
    /// <summary>Creates the exception for <paramref name="location"/>.</summary>
    public StorageException(ObjectLocation location, string message, Exception? innerException = null)
        : base($"{location}: {message}", innerException)
    {
        Location = location;
    }

    /// <summary>The object or prefix concerned.</summary>
    public ObjectLocation Location { get; }
}

/// <summary>The object does not exist (never retried).</summary>
public sealed class ObjectNotFoundException(ObjectLocation location, Exception? innerException = null)
    : StorageException(location, "no such object.", innerException);

/// <summary>The object changed between planning and reading, so its partitions no longer describe it.</summary>
public sealed class ObjectChangedException(ObjectLocation location, ObjectInfo expected, ObjectInfo actual)
    : StorageException(location,
        $"the object changed after the job was planned (size {expected.Size} -> {actual.Size}, version {expected.ETag} -> {actual.ETag}); re-run the job to plan it again.");
