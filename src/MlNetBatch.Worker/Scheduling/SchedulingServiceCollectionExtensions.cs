using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MlNetBatch.Worker.Cluster;
using MlNetBatch.Worker.Cluster.Runs;
using MlNetBatch.Worker.Hosting;
using Quartz;

namespace MlNetBatch.Worker.Scheduling;

/// <summary>
/// Registers Quartz with one durable job per valid job definition and one cron trigger per schedule, kept in step
/// with the configuration as it changes.
/// </summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>The Quartz group of MlNetBatch jobs.</summary>
    public const string JobGroup = "mlnetbatch";

    /// <summary>
    /// Adds Quartz as a hosted service that waits for running jobs on shutdown, and the service that schedules the jobs
    /// of <paramref name="section"/> (the <c>MlNetBatch</c> section) one by one: an invalid job is reported and left out,
    /// the others run. Call it after <c>AddMlNetBatch</c>, whose start-up check of all jobs at once it relaxes to that.
    /// </summary>
    public static IServiceCollection AddMlNetBatchScheduling(this IServiceCollection services, IConfiguration section)
    {
        // Ask running jobs to stop on shutdown (their cancellation token fires) instead of only waiting for them.
        var properties = new Dictionary<string, string?> { ["quartz.scheduler.interruptJobsOnShutdownWithWait"] = "true" };
        // Read as far as it converts: a value that does not is reported with its path by the start-up check.
        var clusterSection = section.GetSection("Cluster");
        var cluster = StrictBinding.Read<ClusterOptions>(clusterSection);
        services.AddStrictOptions(clusterSection, new ClusterOptionsValidator());
        services.AddQuartz(properties, quartz =>
        {
            // Without a connection string the validator stops the start with one line; nothing is scheduled meanwhile.
            if (cluster.Enabled && ClusterConnection.Resolve(cluster).ConnectionString is { } connection)
            {
                ClusteredJobStore.Configure(quartz, cluster, connection);
            }
        });
        services.TryAddSingleton<ScheduledJobs>();
        // Before Quartz's hosted service: the jobs are in the scheduler when it starts.
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<JobScheduleSync>(sp, section));
        if (cluster.Enabled && ClusterConnection.Resolve(cluster).ConnectionString is { } workConnection)
        {
            // After the schedule's sync: a node takes partitions only once it knows the jobs they belong to.
            services.AddClusterRuns(cluster, workConnection);
        }

        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        if (services.LastOrDefault(d => d.ServiceType == typeof(IStartupValidator)) is { ImplementationType: { } validator })
        {
            services.Replace(ServiceDescriptor.Transient<IStartupValidator>(sp =>
                new PerJobStartupValidator((IStartupValidator)ActivatorUtilities.CreateInstance(sp, validator))));
        }

        return services;
    }
}
