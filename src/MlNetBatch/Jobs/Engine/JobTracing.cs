using System.Diagnostics;
using System.Diagnostics.Metrics;
using MlNetBatch.Data;
using MlNetBatch.Diagnostics;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// The traces and partition metrics of job runs: an activity per run and one per partition attempt (children of the
/// run's), from <see cref="MlNetBatchTelemetry.ActivitySource"/>, and the partitions' durations.
/// </summary>
internal static class JobTracing
{
    /// <summary>The tag naming the partition.</summary>
    public const string PartitionTag = "mlnetbatch.partition";

    private static readonly Histogram<double> PartitionDuration = MlNetBatchTelemetry.Meter.CreateHistogram<double>(
        "mlnetbatch.partition.duration", "s", "Time from reading a partition's first block to committing it, per committed partition.");

    /// <summary>Starts the activity of a run of <paramref name="job"/>; null when nobody listens.</summary>
    public static Activity? StartRun(string job) =>
        MlNetBatchTelemetry.ActivitySource.StartActivity("mlnetbatch.job.run", ActivityKind.Internal, parentContext: default, [new(StageInstruments.JobTag, job)]);

    /// <summary>Starts the activity of an attempt at <paramref name="partition"/>; null when nobody listens.</summary>
    public static Activity? StartPartition(string job, Partition partition) =>
        MlNetBatchTelemetry.ActivitySource.StartActivity("mlnetbatch.job.partition", ActivityKind.Internal, parentContext: default,
            [new(StageInstruments.JobTag, job), new(PartitionTag, partition.Id)]);

    /// <summary>Marks <paramref name="activity"/> failed with the cause a user would read.</summary>
    public static void Fail(Activity? activity, Exception e)
    {
        if (activity is null)
        {
            return;
        }

        var cause = FailureCause.ForUser(e);
        activity.SetStatus(ActivityStatusCode.Error, cause.Message);
        activity.AddException(cause);
    }

    /// <summary>Records a committed partition's duration and bad rows.</summary>
    public static void Committed(KeyValuePair<string, object?> job, TimeSpan elapsed, long badRows)
    {
        PartitionDuration.Record(elapsed.TotalSeconds, job);
        if (badRows > 0)
        {
            StageInstruments.BadRows.Add(badRows, job);
        }
    }
}
