using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Worker.Cluster;
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
        var cluster = section.GetSection("Cluster").Get<ClusterOptions>() ?? new ClusterOptions();
        services.AddOptions<ClusterOptions>().Bind(section.GetSection("Cluster")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        services.AddQuartz(properties, quartz =>
        {
            // Without a connection string the validator stops the start with one line; nothing is scheduled meanwhile.
            if (cluster.Enabled && ClusterConnection.Resolve(cluster).ConnectionString is { } connection)
            {
                ClusteredJobStore.Configure(quartz, cluster, connection);
            }

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
