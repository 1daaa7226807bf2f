namespace MlNetBatch.Storage;

/// <summary>Reading or writing an object failed; the message names the location and the cause.</summary>
public class StorageException : MlNetBatchException
{
    /// <summary>Creates the exception for <paramref name="location"/>.</summary>
    /// <param name="location">The object or prefix concerned.</param>
    /// <param name="message">What went wrong, in words a user can act on.</param>
    /// <param name="innerException">The provider's own exception.</param>
    /// <param name="isTransient">True for failures worth retrying: timeouts, throttling, 5xx, dropped connections.</param>
    public StorageException(ObjectLocation location, string message, Exception? innerException = null, bool isTransient = false)
        : base($"{location}: {message}", innerException)
    {
        Location = location;
        IsTransient = isTransient;
    }

    /// <summary>The object or prefix concerned.</summary>
    public ObjectLocation Location { get; }

    /// <summary>Whether trying again may succeed.</summary>
    public bool IsTransient { get; }
}
