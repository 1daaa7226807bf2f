using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Worker.History;

/// <summary>Registers the run history and the recorder every job run goes through.</summary>
public static class HistoryServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StateDirectoryOptions"/> from <paramref name="section"/> (the <c>MlNetBatch</c> section) and
    /// <see cref="RunHistoryOptions"/> from its <c>History</c> section, and adds the <see cref="RunHistoryStore"/> and
    /// <see cref="JobRunRecorder"/>.
    /// </summary>
    public static IServiceCollection AddMlNetBatchHistory(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        // The binder reads only StateDirectory from the section; its other keys are checked where they belong.
        services.AddOptions<StateDirectoryOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StateDirectoryOptions>, StateDirectoryOptionsValidator>());
        var history = section.GetSection("History");
        services.AddStrictOptions(history, new RunHistoryOptionsValidator(history));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RunHistoryStore>();
        services.TryAddSingleton<JobRunRecorder>();
        return services;
    }
}
