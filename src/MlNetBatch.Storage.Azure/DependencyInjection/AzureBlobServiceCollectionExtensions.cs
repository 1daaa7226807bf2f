using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MlNetBatch.Storage;
using MlNetBatch.Storage.Azure;

namespace MlNetBatch.DependencyInjection;

/// <summary><c>services.AddMlNetBatchAzureBlob(...)</c>: Azure Blob Storage for job sources and sinks.</summary>
public static class AzureBlobServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AzureBlobObjectStore"/> with options bound from <paramref name="section"/>
    /// (the <c>MlNetBatch:Storage:Azure</c> section), validated when the host starts.
    /// </summary>
    public static IServiceCollection AddMlNetBatchAzureBlob(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<AzureBlobStorageOptions>().Bind(section).ValidateOnStart();
        return AddStore(services);
    }

    /// <summary>Registers <see cref="AzureBlobObjectStore"/> with options set in code, validated when the host starts.</summary>
    public static IServiceCollection AddMlNetBatchAzureBlob(this IServiceCollection services, Action<AzureBlobStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AzureBlobStorageOptions>().Configure(configure).ValidateOnStart();
        return AddStore(services);
    }

    private static IServiceCollection AddStore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureBlobStorageOptions>, AzureBlobStorageOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IObjectStore, AzureBlobObjectStore>());
        return services;
    }
}
