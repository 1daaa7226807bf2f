using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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
    public static IServiceCollection AddMlNetBatchS3(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<S3StorageOptions>().Bind(section).ValidateOnStart();
        return AddStore(services);
    }

    /// <summary>Registers the S3 store with options set in code, validated when the host starts.</summary>
    public static IServiceCollection AddMlNetBatchS3(this IServiceCollection services, Action<S3StorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<S3StorageOptions>().Configure(configure).ValidateOnStart();
        return AddStore(services);
    }

    private static IServiceCollection AddStore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<S3StorageOptions>, S3StorageOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IObjectStore, S3ObjectStore>());
        return services;
    }
}
