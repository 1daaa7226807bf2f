using Microsoft.Extensions.Diagnostics.HealthChecks;
using MlNetBatch.Jobs;

namespace MlNetBatch.Worker.Health;

/// <summary>
/// Degraded when a configured job is invalid: the service leaves it out and runs the others, so the service works, but
/// not all of it; each invalid job is named with its problems.
/// </summary>
internal sealed class InvalidJobsHealthCheck(ConfiguredJobs jobs) : IHealthCheck
{
    /// <summary>The check's name in reports.</summary>
    public const string Name = "invalid-jobs";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var invalid = jobs.Read().Invalid;
        var data = invalid.ToDictionary(j => j.Key, j => (object)string.Join("; ", j.Value), StringComparer.OrdinalIgnoreCase);
        return Task.FromResult(invalid.Count == 0
            ? HealthCheckResult.Healthy("every configured job is valid")
            : HealthCheckResult.Degraded($"{invalid.Count} job(s) are invalid and not run; the others are: {string.Join(", ", invalid.Keys.Order(StringComparer.OrdinalIgnoreCase))}", data: data));
    }
}
