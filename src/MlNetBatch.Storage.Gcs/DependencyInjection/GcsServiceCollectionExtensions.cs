using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MlNetBatch.Storage;
using MlNetBatch.Storage.Gcs;

namespace MlNetBatch.DependencyInjection;

/// <summary><c>services.AddMlNetBatchGcs(...)</c>: serves <c>gs://</c> from Google Cloud Storage.</summary>
public static class GcsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Cloud Storage store with <see cref="GcsStorageOptions"/> bound from <paramref name="section"/> (the
    /// <c>MlNetBatch:Storage:Gcs</c> section) and validated when the host starts.
    /// </summary>
    public static IServiceCollection AddMlNetBatchGcs(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<GcsStorageOptions>().Bind(section).ValidateOnStart();
        return AddStore(services);
    }

    /// <summary>Registers the Cloud Storage store with options set in code, validated when the host starts.</summary>
    public static IServiceCollection AddMlNetBatchGcs(this IServiceCollection services, Action<GcsStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<GcsStorageOptions>().Configure(configure).ValidateOnStart();
        return AddStore(services);
    }

    private static IServiceCollection AddStore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GcsStorageOptions>, GcsStorageOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IObjectStore, GcsObjectStore>());
        return services;
    }
}
