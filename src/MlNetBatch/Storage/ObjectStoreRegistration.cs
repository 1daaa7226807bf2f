using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MlNetBatch.Storage;

/// <summary>Registers a storage provider the one way all of them are registered: options validated at start, one store however often it is called.</summary>
public static class ObjectStoreRegistration
{
    /// <summary>Adds the store of <paramref name="provider"/> with its options bound from <paramref name="section"/>, validated when the host starts: <c>services.AddObjectStore(S3ObjectStore.Provider, configuration.GetSection("MlNetBatch:Storage:S3"))</c>.</summary>
    public static IServiceCollection AddObjectStore<TOptions, TValidator, TStore>(
        this IServiceCollection services, ObjectStoreProvider<TOptions, TValidator, TStore> provider, IConfiguration section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
        where TStore : class, IObjectStore
    {
        ArgumentNullException.ThrowIfNull(provider);
        return services.AddObjectStore<TOptions, TValidator, TStore>(section);
    }

    /// <summary>Adds the store of <paramref name="provider"/> with its options set in code by <paramref name="configure"/>, validated when the host starts.</summary>
    public static IServiceCollection AddObjectStore<TOptions, TValidator, TStore>(
        this IServiceCollection services, ObjectStoreProvider<TOptions, TValidator, TStore> provider, Action<TOptions> configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
        where TStore : class, IObjectStore
    {
        ArgumentNullException.ThrowIfNull(provider);
        return services.AddObjectStore<TOptions, TValidator, TStore>(configure);
    }

    /// <summary>Adds <typeparamref name="TStore"/> with <typeparamref name="TOptions"/> bound from <paramref name="section"/>, validated when the host starts.</summary>
    public static IServiceCollection AddObjectStore<TOptions, TValidator, TStore>(this IServiceCollection services, IConfiguration section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
        where TStore : class, IObjectStore
    {
        ArgumentNullException.ThrowIfNull(section);
        return services.AddObjectStore<TOptions, TValidator, TStore>(options => options.Bind(section));
    }

    /// <summary>Adds <typeparamref name="TStore"/> with <typeparamref name="TOptions"/> set in code by <paramref name="configure"/>, validated when the host starts.</summary>
    public static IServiceCollection AddObjectStore<TOptions, TValidator, TStore>(this IServiceCollection services, Action<TOptions> configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
        where TStore : class, IObjectStore
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddObjectStore<TOptions, TValidator, TStore>(options => options.Configure(configure));
    }

    /// <summary>
    /// Adds <typeparamref name="TStore"/> as an <see cref="IObjectStore"/>, and <typeparamref name="TOptions"/> set up by
    /// <paramref name="configure"/> (a bind or a delegate) and checked by <typeparamref name="TValidator"/> when the host starts.
    /// The checked options are injectable as they are too, so a store needs only one constructor: from its options.
    /// </summary>
    public static IServiceCollection AddObjectStore<TOptions, TValidator, TStore>(
        this IServiceCollection services, Action<OptionsBuilder<TOptions>> configure, Func<IServiceProvider, TStore>? create = null)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
        where TStore : class, IObjectStore
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        configure(services.AddOptions<TOptions>().ValidateOnStart());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<TOptions>>().Value);
        services.TryAddEnumerable(create is null
            ? ServiceDescriptor.Singleton<IObjectStore, TStore>()
            : ServiceDescriptor.Singleton<IObjectStore, TStore>(create));
        return services;
    }
}
