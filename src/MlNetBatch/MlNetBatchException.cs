namespace MlNetBatch;

/// <summary>Base type of every failure MlNetBatch reports to its users; the message says what to fix.</summary>
public class MlNetBatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MlNetBatchException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
