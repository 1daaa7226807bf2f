namespace MlNetBatch.Storage;

/// <summary>The object does not exist (never retried).</summary>
public sealed class ObjectNotFoundException(ObjectLocation location, Exception? innerException = null)
    : StorageException(location, "no such object.", innerException);
