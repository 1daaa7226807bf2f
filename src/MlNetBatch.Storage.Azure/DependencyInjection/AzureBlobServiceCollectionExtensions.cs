using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
    public static IServiceCollection AddMlNetBatchAzureBlob(this IServiceCollection services, IConfiguration section) =>
        services.AddObjectStore<AzureBlobStorageOptions, AzureBlobStorageOptionsValidator, AzureBlobObjectStore>(section);

    /// <summary>Registers <see cref="AzureBlobObjectStore"/> with options set in code, validated when the host starts.</summary>
    public static IServiceCollection AddMlNetBatchAzureBlob(this IServiceCollection services, Action<AzureBlobStorageOptions> configure) =>
        services.AddObjectStore<AzureBlobStorageOptions, AzureBlobStorageOptionsValidator, AzureBlobObjectStore>(configure);
}
