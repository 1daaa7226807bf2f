using System.Diagnostics;
using System.Diagnostics.Metrics;
using MlNetBatch.Diagnostics;

namespace MlNetBatch.Worker.History;

/// <summary>The job-run counters, on the MlNetBatch meter, counted where each run's end is recorded.</summary>
internal static class JobRunMetrics
{
    /// <summary>Every finished run, tagged with its job and status (succeeded, failed, interrupted).</summary>
    public static readonly Counter<long> Runs = MlNetBatchTelemetry.Meter.CreateCounter<long>(
        "mlnetbatch.job.runs", "{run}", "Job runs that ended, by job and status.");

    /// <summary>The runs that failed, tagged as <see cref="Runs"/> is, so an alert needs no filter.</summary>
    public static readonly Counter<long> Failures = MlNetBatchTelemetry.Meter.CreateCounter<long>(
        "mlnetbatch.job.failures", "{run}", "Job runs that failed, by job.");

    /// <summary>Counts the end of a run of <paramref name="job"/>.</summary>
    public static void Ended(string job, RunStatus status)
    {
        var tags = new TagList { { "job", job }, { "status", status.ToString().ToLowerInvariant() } };
        Runs.Add(1, tags);
        if (status == RunStatus.Failed)
        {
            Failures.Add(1, tags);
        }
    }
}
