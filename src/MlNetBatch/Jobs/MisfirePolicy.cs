namespace MlNetBatch.Jobs;

/// <summary>What to do about a missed scheduled run.</summary>
public enum MisfirePolicy
{
    /// <summary>Run once as soon as possible, then keep the schedule.</summary>
    FireOnceNow,

    /// <summary>Skip missed runs and wait for the next scheduled time.</summary>
    DoNothing,
}
