using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlNetBatch.Storage;
using MlNetBatch.Storage.Azure;
using MlNetBatch.Storage.Gcs;
using MlNetBatch.Storage.S3;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// The cloud storage providers the worker ships, by their section under <c>MlNetBatch:Storage</c>: each is registered
/// when its section exists, so a worker that only reads local files needs no cloud settings.
/// </summary>
internal static class WorkerStorageProviders
{
    /// <summary>One provider: its section, its options type (checked strictly) and how to register it from that section.</summary>
    public sealed record Entry(string Section, Type Options, Action<IServiceCollection, IConfiguration> Register);

    /// <summary>S3, Azure and GCS.</summary>
    public static IReadOnlyList<Entry> Cloud { get; } = [For(S3ObjectStore.Provider), For(AzureBlobObjectStore.Provider), For(GcsObjectStore.Provider)];

    private static Entry For<TOptions, TValidator, TStore>(ObjectStoreProvider<TOptions, TValidator, TStore> provider)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
        where TStore : class, IObjectStore =>
        new(provider.SectionName, typeof(TOptions), (services, section) => services.AddObjectStore(provider, section));
}
