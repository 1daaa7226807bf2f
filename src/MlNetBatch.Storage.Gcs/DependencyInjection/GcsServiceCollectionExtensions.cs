using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
    public static IServiceCollection AddMlNetBatchGcs(this IServiceCollection services, IConfiguration section) =>
        services.AddObjectStore<GcsStorageOptions, GcsStorageOptionsValidator, GcsObjectStore>(section);

    /// <summary>Registers the Cloud Storage store with options set in code, validated when the host starts.</summary>
    public static IServiceCollection AddMlNetBatchGcs(this IServiceCollection services, Action<GcsStorageOptions> configure) =>
        services.AddObjectStore<GcsStorageOptions, GcsStorageOptionsValidator, GcsObjectStore>(configure);
}
