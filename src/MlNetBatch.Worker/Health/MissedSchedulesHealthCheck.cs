using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Worker.History;

namespace MlNetBatch.Worker.Health;

/// <summary>
/// Unhealthy when a scheduled job missed its window: its schedule fired more than
/// <see cref="JobHealthOptions.MissedScheduleTolerance"/> ago, while the service had it scheduled, and no run of it
/// has started since. A job the service has not scheduled yet on its present schedule cannot have missed it.
/// </summary>
internal sealed class MissedSchedulesHealthCheck(RunHistoryStore history, ConfiguredJobs jobs, IOptions<JobHealthOptions> options, TimeProvider clock) : IHealthCheck
{
    /// <summary>The check's name in reports.</summary>
    public const string Name = "missed-schedules";

    // Run starts are recorded to the millisecond and fire times to the second.
    private static readonly TimeSpan Rounding = TimeSpan.FromSeconds(1);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow() - options.Value.MissedScheduleTolerance;
        var missed = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var (job, definition) in jobs.Read().Valid)
        {
            if (definition.Schedule is not { Length: > 0 } cron
                || history.ScheduledSince(job, cron) is not { } since
                || CronFireTimes.LastAtOrBefore(cron, cutoff) is not { } due
                || due < since)
            {
                continue;
            }

            var last = history.Recent(job, 1);
            if (last.Count == 0 || last[0].Started < due - Rounding)
            {
                missed[job] = $"was due at {due.ToUniversalTime():u} ('{cron}') and has not run since{(last.Count == 0 ? string.Empty : $" (last run {last[0].Started:u})")}";
            }
        }

        return Task.FromResult(missed.Count == 0
            ? HealthCheckResult.Healthy("every scheduled job ran in its window")
            : HealthCheckResult.Unhealthy($"{missed.Count} job(s) missed their schedule: {string.Join(", ", missed.Keys)}", data: missed));
    }
}
