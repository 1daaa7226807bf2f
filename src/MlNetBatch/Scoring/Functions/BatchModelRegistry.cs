using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MlNetBatch.Scoring.Functions;

/// <summary>The batch models registered with <c>AddBatchModel</c>, found by name; each is created once, on first use.</summary>
public sealed class BatchModelRegistry
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, BatchModelRegistration> _registrations;
    private readonly ConcurrentDictionary<string, Lazy<RegisteredBatchModel>> _models = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the registry over the registrations in <paramref name="services"/>.</summary>
    public BatchModelRegistry(IServiceProvider services, IEnumerable<BatchModelRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registrations);
        _services = services;
        _registrations = new(StringComparer.OrdinalIgnoreCase);
        foreach (var registration in registrations)
        {
            // The last registration of a name wins, as with any DI service.
            _registrations[registration.Name] = registration;
        }
    }

    /// <summary>The registered names.</summary>
    public IReadOnlyCollection<string> Names => _registrations.Keys;

    /// <summary>The model registered as <paramref name="name"/>; a <see cref="ModelException"/> listing the registered names when there is none.</summary>
    internal RegisteredBatchModel Resolve(string name)
    {
        if (!_registrations.TryGetValue(name, out var registration))
        {
            throw new ModelException($"No batch model is registered as '{name}' (registered: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}); register it with services.AddBatchModel<T>(\"{name}\").");
        }

        return _models.GetOrAdd(registration.Name, key => new Lazy<RegisteredBatchModel>(() => Create(key))).Value;
    }

    private RegisteredBatchModel Create(string name)
    {
        BatchModelOptions options;
        try
        {
            options = _services.GetService<IOptionsMonitor<BatchModelOptions>>()?.Get(name) ?? new BatchModelOptions();
        }
        catch (OptionsValidationException e)
        {
            throw new ModelException(string.Join(" ", e.Failures), e);
        }

        return new RegisteredBatchModel(name, _services.GetRequiredKeyedService<IBatchModel>(name), options);
    }
}
