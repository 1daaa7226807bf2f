using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Worker.History;

namespace MlNetBatch.Worker.Health;

/// <summary>Unhealthy when a configured job failed each of its last <see cref="JobHealthOptions.FailedRuns"/> finished runs.</summary>
internal sealed class FailingJobsHealthCheck(RunHistoryStore history, ConfiguredJobs jobs, IOptions<JobHealthOptions> options) : IHealthCheck
{
    /// <summary>The check's name in reports.</summary>
    public const string Name = "failing-jobs";

    // Runs still going or stopped on request say nothing about failure; a few more are read to look past them.
    private const int Slack = 10;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var threshold = options.Value.FailedRuns;
        var failing = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var job in jobs.Read().Names)
        {
            var finished = history.Recent(job, threshold + Slack).Where(r => r.Status is RunStatus.Succeeded or RunStatus.Failed).Take(threshold).ToList();
            if (finished.Count == threshold && finished.All(r => r.Status == RunStatus.Failed))
            {
                failing[job] = $"failed its last {threshold} run(s); last: {finished[0].Error}";
            }
        }

        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy($"no job failed its last {threshold} run(s)")
            : HealthCheckResult.Unhealthy($"{failing.Count} job(s) failed their last {threshold} run(s): {string.Join(", ", failing.Keys)}", data: failing));
    }
}
