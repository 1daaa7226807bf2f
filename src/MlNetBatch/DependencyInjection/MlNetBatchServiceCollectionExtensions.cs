using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Storage;

namespace MlNetBatch.DependencyInjection;

/// <summary><c>services.AddMlNetBatch(configuration)</c>: job definitions, their validation and the job engine.</summary>
public static class MlNetBatchServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="MlNetBatchOptions"/> from <paramref name="section"/> (the <c>MlNetBatch</c> section), validates
    /// every job when the host starts, and registers the <see cref="JobRunner"/> and the local object store.
    /// Relative paths in jobs resolve against <paramref name="baseDirectory"/> (default: the current directory).
    /// </summary>
    public static IServiceCollection AddMlNetBatch(this IServiceCollection services, IConfiguration section, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<MlNetBatchOptions>().Bind(section).ValidateOnStart();
        services.TryAddSingleton(new JobPaths(baseDirectory ?? Directory.GetCurrentDirectory()));
        // The stores are looked up when validating, not when the validator is made: building them binds the storage
        // providers' options, and their problems belong in the same report as the jobs'.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MlNetBatchOptions>, JobDefinitionValidator>(sp =>
            new JobDefinitionValidator(sp.GetRequiredService<JobPaths>(), () => sp.GetRequiredService<ObjectStoreResolver>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MlNetBatchOptions>>(new JobBindingValidator(section)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IObjectStore, LocalObjectStore>());
        services.TryAddSingleton(sp => new ObjectStoreResolver(sp.GetServices<IObjectStore>()));
        services.TryAddSingleton(sp => new JobRunner(
            sp.GetRequiredService<ObjectStoreResolver>(), sp.GetRequiredService<JobPaths>(), sp.GetService<ILoggerFactory>())
        {
            Observer = sp.GetService<IJobObserver>(),
        });
        return services;
    }
}
