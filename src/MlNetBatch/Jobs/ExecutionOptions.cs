namespace MlNetBatch.Jobs;

/// <summary>How a job runs.</summary>
public sealed class ExecutionOptions
{
    /// <summary>Partitions processed at the same time.</summary>
    /// <value>The default is the number of processors, and at least 2, so that reading, scoring and writing of neighbouring partitions overlap.</value>
    public int Parallelism { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>What the scheduler does when a scheduled run was missed (the worker was down, the previous run overran).</summary>
    /// <value>The default is <see cref="MisfirePolicy.FireOnceNow"/>.</value>
    public MisfirePolicy Misfire { get; set; } = MisfirePolicy.FireOnceNow;
}

/// <summary>What to do about a missed scheduled run.</summary>
public enum MisfirePolicy
{
    /// <summary>Run once as soon as possible, then keep the schedule.</summary>
    FireOnceNow,

    /// <summary>Skip missed runs and wait for the next scheduled time.</summary>
    DoNothing,
}
