namespace MlNetBatch.Jobs;

/// <summary>A job stopped on request (shutdown, Ctrl-C, scheduler interrupt) before every partition was committed.</summary>
public sealed class JobInterruptedException(string job, int committed, int total)
    : MlNetBatchException($"Job '{job}' was stopped: {committed} of {total} partitions are committed; the next run resumes the other {total - committed}.")
{
    /// <summary>Partitions committed, this run or earlier.</summary>
    public int Committed { get; } = committed;

    /// <summary>Partitions the job has.</summary>
    public int Total { get; } = total;
}
