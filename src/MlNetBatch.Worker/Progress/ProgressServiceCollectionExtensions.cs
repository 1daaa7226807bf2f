using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs.Progress;

namespace MlNetBatch.Worker.Progress;

/// <summary>Registers the worker's progress reporting.</summary>
internal static class ProgressServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="ProgressOptions"/> from <paramref name="section"/> and reports every job run's
    /// progress: live when <paramref name="liveDisplay"/> (a command in a terminal), else as log lines.
    /// </summary>
    public static IServiceCollection AddMlNetBatchProgress(this IServiceCollection services, IConfigurationSection section, bool liveDisplay)
    {
        services.AddOptions<ProgressOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProgressOptions>>(new ProgressOptionsValidator(section));
        // The options are read (and validated) when the job runner is made, before a run starts: a bad interval fails
        // the command at once, on one line, like the rest of the configuration.
        services.AddSingleton<IJobProgressListener>(sp =>
            new ProgressReporter(sp.GetRequiredService<IOptions<ProgressOptions>>().Value, sp.GetRequiredService<ILogger<ProgressReporter>>(), liveDisplay));
        return services;
    }
}
