using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using Quartz;

namespace MlNetBatch.Worker.Hosting;

/// <summary>Tells the operator, at start and stop, which jobs the service runs and when they fire next.</summary>
internal sealed class ScheduleReporter(IOptions<MlNetBatchOptions> options, ILogger<ScheduleReporter> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var jobs = options.Value.Jobs;
        logger.LogInformation("MlNetBatch worker started with {Count} job(s)", jobs.Count);
        foreach (var (name, job) in jobs)
        {
            if (job.Schedule is { Length: > 0 } cron)
            {
                logger.LogInformation("Job {Job} runs on '{Schedule}', next at {Next:u}", name, cron, new CronExpression(cron).GetNextValidTimeAfter(DateTimeOffset.UtcNow));
            }
            else
            {
                logger.LogInformation("Job {Job} has no schedule; run it with 'run {Job}'", name, name);
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
