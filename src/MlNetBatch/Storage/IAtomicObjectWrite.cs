namespace MlNetBatch.Storage;

/// <summary>An object being written: invisible under its final name until committed.</summary>
public interface IAtomicObjectWrite : IAsyncDisposable
{
    /// <summary>The stream to write the object's bytes to.</summary>
    Stream Stream { get; }

    /// <summary>Where the object will be visible after commit.</summary>
    ObjectLocation Location { get; }

    /// <summary>Flushes and publishes the object under its final name.</summary>
    Task<ObjectInfo> CommitAsync(CancellationToken cancellationToken = default);
}
