using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Storage.Http;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// Checks the rest of the worker's <c>MlNetBatch</c> section strictly, with the jobs: its top-level keys and the
/// storage providers' settings. The providers bind their options leniently, so a misspelt <c>Regoin</c> would
/// otherwise be ignored and a bad value reported alone, in the binder's words, only when the store is first used.
/// </summary>
internal sealed class StorageSectionValidator(IConfigurationSection section) : IValidateOptions<MlNetBatchOptions>
{
    /// <summary>The providers the worker registers, by their section under <c>MlNetBatch:Storage</c>.</summary>
    private static readonly Dictionary<string, Type> Providers =
        WorkerStorageProviders.Cloud.Select(p => KeyValuePair.Create(p.Section, p.Options))
        .Append(KeyValuePair.Create("Http", typeof(HttpStorageOptions))).ToDictionary(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MlNetBatchOptions options)
    {
        var failures = StrictConfiguration.UnknownKeys(
            section, [nameof(MlNetBatchOptions.Jobs), "Storage", "Cluster", Progress.ProgressOptions.SectionName, .. OperationsServiceCollectionExtensions.SectionKeys]).ToList();
        failures.AddRange(StrictConfiguration.Check(section.GetSection("Cluster"), typeof(Cluster.ClusterOptions)));
        var storage = section.GetSection("Storage");
        failures.AddRange(StrictConfiguration.UnknownKeys(storage, Providers.Keys));
        foreach (var provider in storage.GetChildren())
        {
            if (Providers.TryGetValue(provider.Key, out var type))
            {
                failures.AddRange(StrictConfiguration.Check(provider, type));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
