namespace MlNetBatch.Jobs;

/// <summary>A job run failed; the message names the job, the partition where there is one, and the cause.</summary>
public sealed class JobFailedException(string job, string message, Exception? innerException = null)
    : MlNetBatchException($"Job '{job}': {message}", innerException)
{
    /// <summary>The job that failed.</summary>
    public string Job { get; } = job;
}
