using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlNetBatch.Storage;
using MlNetBatch.Storage.Http;

namespace MlNetBatch.DependencyInjection;

/// <summary><c>services.AddMlNetBatchHttp()</c>: reads sources from <c>http://</c> and <c>https://</c> URLs.</summary>
public static class HttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the read-only HTTP store, its named <see cref="HttpClient"/> (<see cref="HttpObjectStore.HttpClientName"/>,
    /// where proxies, handlers and timeouts can be configured) and options set by <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddMlNetBatchHttp(this IServiceCollection services, Action<HttpStorageOptions>? configure = null) =>
        AddStore(services, options => options.Configure(configure ?? (_ => { })));

    /// <summary>Registers the read-only HTTP store with options bound from <paramref name="section"/> (the <c>MlNetBatch:Storage:Http</c> section).</summary>
    public static IServiceCollection AddMlNetBatchHttp(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddStore(services, options => options.Bind(section));
    }

    private static IServiceCollection AddStore(IServiceCollection services, Action<OptionsBuilder<HttpStorageOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpClient(HttpObjectStore.HttpClientName);
        // A factory, so that a container which can also resolve HttpClient never finds the constructors ambiguous.
        return services.AddObjectStore<HttpStorageOptions, HttpStorageOptionsValidator, HttpObjectStore>(configure, sp => new HttpObjectStore(
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IOptions<HttpStorageOptions>>()));
    }
}
