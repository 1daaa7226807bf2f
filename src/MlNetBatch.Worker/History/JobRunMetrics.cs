using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MlNetBatch.Diagnostics;

namespace MlNetBatch.Worker.History;

/// <summary>
/// The job-run counters on the MlNetBatch meter, counted where each run's end is recorded. They are observable
/// counters reporting this process's totals: runs are rare (a nightly job counts once a day), and an exporter that
/// forgets a series after a quiet spell, as prometheus-net does after a day, still sees these at every collection.
/// </summary>
internal static class JobRunMetrics
{
    private static readonly ConcurrentDictionary<(string Job, RunStatus Status), long> Totals = new();

    /// <summary>Every finished run, tagged with its job and status (succeeded, failed, interrupted).</summary>
    public static readonly ObservableCounter<long> Runs = MlNetBatchTelemetry.Meter.CreateObservableCounter(
        "mlnetbatch.job.runs", () => Observe(failedOnly: false), "{run}", "Job runs that ended, by job and status.");

    /// <summary>The runs that failed, tagged as <see cref="Runs"/> is, so an alert needs no filter.</summary>
    public static readonly ObservableCounter<long> Failures = MlNetBatchTelemetry.Meter.CreateObservableCounter(
        "mlnetbatch.job.failures", () => Observe(failedOnly: true), "{run}", "Job runs that failed, by job.");

    /// <summary>Counts the end of a run of <paramref name="job"/>.</summary>
    public static void Ended(string job, RunStatus status)
    {
        // Touching the instruments publishes them before the first run ends, so that listeners see them from the start.
        _ = Runs;
        _ = Failures;
        Totals.AddOrUpdate((job, status), 1, (_, total) => total + 1);
    }

    private static IEnumerable<Measurement<long>> Observe(bool failedOnly)
    {
        foreach (var ((job, status), total) in Totals)
        {
            if (!failedOnly || status == RunStatus.Failed)
            {
                yield return new Measurement<long>(total, new KeyValuePair<string, object?>("job", job), new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));
            }
        }
    }
}
