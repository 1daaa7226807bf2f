using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MlNetBatch.Scoring.Functions;

/// <summary><c>services.AddBatchModel&lt;T&gt;(name)</c>: any .NET model as a job's scorer.</summary>
public static class BatchModelServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TModel"/> (a singleton, built from DI) under <paramref name="name"/>, for jobs
    /// whose model is <c>{ Kind: "Function", Name: "<paramref name="name"/>" }</c>. <paramref name="configure"/> sets
    /// its <see cref="BatchModelOptions"/> (calls at once, rows per call); they are named options, so
    /// <c>services.Configure&lt;BatchModelOptions&gt;(name, section)</c> binds them from configuration too.
    /// </summary>
    public static IServiceCollection AddBatchModel<TModel>(this IServiceCollection services, string name, Action<BatchModelOptions>? configure = null)
        where TModel : class, IBatchModel
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.TryAddKeyedSingleton<IBatchModel, TModel>(name);
        services.AddSingleton(new BatchModelRegistration(name, typeof(TModel)));
        var options = services.AddOptions<BatchModelOptions>(name).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchModelOptions>, BatchModelOptionsValidator>());
        services.TryAddSingleton(sp => new BatchModelRegistry(sp, sp.GetServices<BatchModelRegistration>()));
        return services;
    }
}
