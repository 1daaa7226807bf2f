using Microsoft.Extensions.Options;

namespace MlNetBatch.Storage;

/// <summary>
/// What registering a storage provider takes: its options, their one validator and its store. Each provider exposes
/// one (<c>S3ObjectStore.Provider</c>, <c>AzureBlobObjectStore.Provider</c>…) for
/// <see cref="ObjectStoreRegistration.AddObjectStore{TOptions, TValidator, TStore}(Microsoft.Extensions.DependencyInjection.IServiceCollection, ObjectStoreProvider{TOptions, TValidator, TStore}, Microsoft.Extensions.Configuration.IConfiguration)"/>,
/// so a provider package needs no registration code of its own.
/// </summary>
/// <typeparam name="TOptions">The provider's options.</typeparam>
/// <typeparam name="TValidator">Their validator.</typeparam>
/// <typeparam name="TStore">The store.</typeparam>
/// <param name="SectionName">The provider's section under <c>MlNetBatch:Storage</c>, such as <c>S3</c>.</param>
public sealed record ObjectStoreProvider<TOptions, TValidator, TStore>(string SectionName)
    where TOptions : class
    where TValidator : class, IValidateOptions<TOptions>
    where TStore : class, IObjectStore;
