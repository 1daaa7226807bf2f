using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlNetBatch.Data;
using MlNetBatch.Formats;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;

namespace MlNetBatch.DependencyInjection;

/// <summary><c>services.AddMlNetBatch(configuration)</c>: job definitions, their validation and the job engine.</summary>
public static class MlNetBatchServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="MlNetBatchOptions"/> from <paramref name="section"/> (the <c>MlNetBatch</c> section), validates
    /// every job when the host starts, and registers the <see cref="JobRunner"/>, the local object store and the
    /// built-in formats (see <see cref="AddMlNetBatchFormat"/> for more).
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
            new JobDefinitionValidator(
                sp.GetRequiredService<JobPaths>(), () => sp.GetRequiredService<ObjectStoreResolver>(),
                sp.GetRequiredService<DataFormatRegistry>(), sp.GetRequiredService<RecordBatchWriterRegistry>())
            {
                BatchModels = () => sp.GetService<Scoring.Functions.BatchModelRegistry>(),
            }));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MlNetBatchOptions>, JobBindingValidator>(sp =>
            new JobBindingValidator(section, sp.GetRequiredService<DataFormatRegistry>(), sp.GetRequiredService<RecordBatchWriterRegistry>())));
        // The same validators, job by job: one invalid job need not stop the others.
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<ConfiguredJobs>(sp, section));
        // The rules a job's Source and Model sections are checked with, for options bound on their own (AddOptions<T>().Bind(…)).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataSourceOptions>, DataSourceOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScoreOnnxOptions>, ScoreOnnxOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Jobs.Models.ModelDefinition>, Jobs.Models.ModelDefinitionValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IObjectStore, LocalObjectStore>());
        services.TryAddSingleton(sp => new ObjectStoreResolver(sp.GetServices<IObjectStore>()));
        // Registered formats come after the built-in ones, so that a package can replace one as well as add one.
        services.TryAddSingleton(sp => new DataFormatRegistry(DataFormatRegistry.BuiltIn.Concat(sp.GetServices<DataFormatRegistration>())));
        services.TryAddSingleton(sp => new RecordBatchWriterRegistry(RecordBatchWriterRegistry.BuiltIn.Concat(sp.GetServices<RecordBatchWriterRegistration>())));
        services.TryAddSingleton(sp => new JobRunner(
            sp.GetRequiredService<ObjectStoreResolver>(), sp.GetRequiredService<JobPaths>(), sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<DataFormatRegistry>(), sp.GetRequiredService<RecordBatchWriterRegistry>(), sp.GetService<Scoring.Functions.BatchModelRegistry>())
        {
            Observer = sp.GetService<IJobObserver>(),
            ProgressListeners = sp.GetServices<Jobs.Progress.IJobProgressListener>(),
        });
        return services;
    }

    /// <summary>
    /// Adds a file format, or replaces a built-in one: its reader (with the extensions that name it) and, when it can
    /// be written, its writer. Jobs then name it in <c>Source:Format</c> and <c>Sink:Format</c> (the reader's
    /// <see cref="Formats.IDataFormat.Kind"/>), and its extensions select it for sources without a format. Call it with
    /// or without <see cref="AddMlNetBatch"/>, in any order.
    /// </summary>
    public static IServiceCollection AddMlNetBatchFormat(this IServiceCollection services, DataFormatRegistration? reader, RecordBatchWriterRegistration? writer = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (reader is not null)
        {
            services.AddSingleton(reader);
        }

        if (writer is not null)
        {
            services.AddSingleton(writer);
        }

        return services;
    }
}
