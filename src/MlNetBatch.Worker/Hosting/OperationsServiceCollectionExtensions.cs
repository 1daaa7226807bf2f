using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Worker.Health;
using MlNetBatch.Worker.History;
using MlNetBatch.Worker.Telemetry;

namespace MlNetBatch.Worker.Hosting;

/// <summary>What operating the worker needs besides the jobs: run history, health checks and telemetry export.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>The keys of the <c>MlNetBatch</c> section these settings take.</summary>
    public static readonly IReadOnlyList<string> SectionKeys = ["StateDirectory", "History", "Health", "Telemetry"];

    /// <summary>Adds the run history, the health checks and telemetry export, configured from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application's configuration (its <c>MlNetBatch:StateDirectory</c> key and <c>MlNetBatch:History</c>, <c>:Health</c> and <c>:Telemetry</c> sections).</param>
    /// <param name="service">True in service mode: schedules are recorded and the scrape endpoint is served.</param>
    public static IServiceCollection AddMlNetBatchOperations(this IServiceCollection services, IConfiguration configuration, bool service)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddMlNetBatchHistory(configuration.GetSection(MlNetBatchOptions.SectionName));
        services.AddMlNetBatchHealth(configuration.GetSection(JobHealthOptions.SectionName), recordSchedules: service);
        services.AddMlNetBatchTelemetry(configuration.GetSection(TelemetryOptions.SectionName), serveEndpoint: service);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MlNetBatchOptions>, OperationsSettingsCheck>());
        return services;
    }
}
