using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MlNetBatch.Jobs;
using Quartz;

namespace MlNetBatch.Worker.Scheduling;

/// <summary>Registers Quartz with one durable job per job definition and one cron trigger per schedule.</summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>The Quartz group of MlNetBatch jobs.</summary>
    public const string JobGroup = "mlnetbatch";

    /// <summary>Adds Quartz as a hosted service that waits for running jobs on shutdown.</summary>
    public static IServiceCollection AddMlNetBatchScheduling(this IServiceCollection services, IConfiguration section)
    {
        var definitions = section.Get<MlNetBatchOptions>() ?? new MlNetBatchOptions();
        // Ask running jobs to stop on shutdown (their cancellation token fires) instead of only waiting for them.
        var properties = new Dictionary<string, string?> { ["quartz.scheduler.interruptJobsOnShutdownWithWait"] = "true" };
        services.AddQuartz(properties, quartz =>
        {
            foreach (var (name, job) in definitions.Jobs)
            {
                var key = new JobKey(name, JobGroup);
                quartz.AddJob<BatchInferenceQuartzJob>(j => j.WithIdentity(key).StoreDurably().UsingJobData(BatchInferenceQuartzJob.JobNameKey, name));
                // An invalid expression is left to start-up validation, which reports it with its configuration path.
                if (job.Schedule is { Length: > 0 } cron && CronScheduleValidator.Problem(cron) is null)
                {
                    quartz.AddTrigger(t => t
                        .ForJob(key)
                        .WithIdentity($"{name}-schedule", JobGroup)
                        .WithCronSchedule(cron, schedule => schedule.WithMisfireInstruction(job.Execution.Misfire == MisfirePolicy.DoNothing
                            ? CronTriggerMisfireInstruction.DoNothing
                            : CronTriggerMisfireInstruction.FireAndProceed)));
                }
            }
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }
}
