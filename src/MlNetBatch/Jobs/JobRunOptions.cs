namespace MlNetBatch.Jobs;

/// <summary>How one run of a job treats earlier runs.</summary>
public sealed record JobRunOptions
{
    /// <summary>Ignore the progress of earlier runs and score every partition again.</summary>
    public bool Restart { get; init; }

    /// <summary>
    /// Scores only this share of the partitions, beside the other shards of the job writing to the same output; none
    /// scores them all. <c>_SUCCESS</c> appears when every partition is committed, whichever shard finishes last.
    /// </summary>
    public JobShard? Shard { get; init; }

    /// <summary>The run's id on its log lines (<c>RunId</c>) and in the run history; a new one when null.</summary>
    public string? RunId { get; init; }

    /// <summary>Overrides <see cref="ExecutionOptions.LeaseDuration"/> for this run.</summary>
    public TimeSpan? LeaseDuration { get; init; }

    /// <summary>Where the run reports its progress as it goes; the run makes its own when null.</summary>
    public Progress.JobProgress? Progress { get; init; }
}
