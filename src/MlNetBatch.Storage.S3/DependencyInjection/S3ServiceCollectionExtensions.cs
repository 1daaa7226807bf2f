using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MlNetBatch.Storage;
using MlNetBatch.Storage.S3;

namespace MlNetBatch.DependencyInjection;

/// <summary><c>services.AddMlNetBatchS3(...)</c>: serves <c>s3://</c> (or the configured schemes) from Amazon S3 or an S3-compatible service.</summary>
public static class S3ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the S3 store with <see cref="S3StorageOptions"/> bound from <paramref name="section"/> (the
    /// <c>MlNetBatch:Storage:S3</c> section) and validated when the host starts.
    /// </summary>
    public static IServiceCollection AddMlNetBatchS3(this IServiceCollection services, IConfiguration section) =>
        services.AddObjectStore<S3StorageOptions, S3StorageOptionsValidator, S3ObjectStore>(section);

    /// <summary>Registers the S3 store with options set in code, validated when the host starts.</summary>
    public static IServiceCollection AddMlNetBatchS3(this IServiceCollection services, Action<S3StorageOptions> configure) =>
        services.AddObjectStore<S3StorageOptions, S3StorageOptionsValidator, S3ObjectStore>(configure);
}
