using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Worker.History;

/// <summary>Registers the run history and the recorder every job run goes through.</summary>
public static class HistoryServiceCollectionExtensions
{
    /// <summary>Binds <see cref="RunHistoryOptions"/> from <paramref name="section"/> (<c>MlNetBatch:History</c>) and adds the <see cref="RunHistoryStore"/> and <see cref="JobRunRecorder"/>.</summary>
    public static IServiceCollection AddMlNetBatchHistory(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        services.AddStrictOptions(section, new RunHistoryOptionsValidator(section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RunHistoryStore>();
        services.TryAddSingleton<JobRunRecorder>();
        return services;
    }
}
