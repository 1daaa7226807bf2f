using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlNetBatch.Worker.Scheduling;

namespace MlNetBatch.Worker.Hosting;

/// <summary>Tells the operator, at start and stop, which jobs the service runs and when they fire next.</summary>
internal sealed class ScheduleReporter(ScheduledJobs jobs, ILogger<ScheduleReporter> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The valid jobs, scheduled before this starts; the invalid ones are reported by JobScheduleSync.
        logger.LogInformation("MlNetBatch worker started with {Count} job(s)", jobs.Names.Count);
        foreach (var name in jobs.Names.Order(StringComparer.OrdinalIgnoreCase))
        {
            if (jobs.TryGet(name, out var job))
            {
                logger.LogInformation("Job {Job} {Schedule}", name, QuartzSchedule.Describe(job));
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("MlNetBatch worker stopping; running jobs are asked to stop and awaited");
        return Task.CompletedTask;
    }
}
