using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Worker.Health;

/// <summary>Registers the job health checks, read by the <c>status</c> command and <c>/healthz</c>.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="JobHealthOptions"/> from <paramref name="section"/> (<c>MlNetBatch:Health</c>) and adds the
    /// failing-jobs, missed-schedules and invalid-jobs checks; in service mode (<paramref name="recordSchedules"/>) the service also
    /// records since when it schedules each job.
    /// </summary>
    public static IServiceCollection AddMlNetBatchHealth(this IServiceCollection services, IConfigurationSection section, bool recordSchedules)
    {
        ArgumentNullException.ThrowIfNull(section);
        services.AddStrictOptions(section, new JobHealthOptionsValidator(section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHealthChecks()
            .AddCheck<FailingJobsHealthCheck>(FailingJobsHealthCheck.Name)
            .AddCheck<MissedSchedulesHealthCheck>(MissedSchedulesHealthCheck.Name)
            .AddCheck<InvalidJobsHealthCheck>(InvalidJobsHealthCheck.Name);
        if (recordSchedules)
        {
            services.AddHostedService<ScheduleRecorder>();
        }

        return services;
    }
}
