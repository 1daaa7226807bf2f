namespace MlNetBatch.Storage;

/// <summary>The object changed between planning and reading, so its partitions no longer describe it.</summary>
public sealed class ObjectChangedException(ObjectLocation location, ObjectInfo expected, ObjectInfo actual)
    : StorageException(location,
        $"the object changed after the job was planned (size {expected.Size} -> {actual.Size}, version {expected.ETag} -> {actual.ETag}); re-run the job to plan it again.");
