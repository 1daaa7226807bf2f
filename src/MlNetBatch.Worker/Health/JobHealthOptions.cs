namespace MlNetBatch.Worker.Health;

/// <summary>The <c>MlNetBatch:Health</c> section: when the health checks call a job unhealthy.</summary>
public sealed class JobHealthOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "MlNetBatch:Health";

    /// <summary>A job whose last this-many finished runs all failed is unhealthy; one success makes it healthy again.</summary>
    /// <value>The default is 3.</value>
    public int FailedRuns { get; set; } = 3;

    /// <summary>
    /// How late a scheduled run may start before its window counts as missed: a job whose schedule fired more than
    /// this long ago, with no run recorded since, is unhealthy.
    /// </summary>
    /// <value>The default is 10 minutes.</value>
    public TimeSpan MissedScheduleTolerance { get; set; } = TimeSpan.FromMinutes(10);
}
