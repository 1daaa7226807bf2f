namespace MlNetBatch.Jobs;

/// <summary>How one run of a job treats earlier runs.</summary>
public sealed class JobRunOptions
{
    /// <summary>Ignore the progress of earlier runs and score every partition again.</summary>
    public bool Restart { get; init; }

    /// <summary>How long an output lease lasts without renewal; a crashed run's lease expires after this.</summary>
    /// <value>The default is 2 minutes.</value>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(2);
}
