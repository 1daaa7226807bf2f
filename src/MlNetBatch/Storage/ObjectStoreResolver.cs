namespace MlNetBatch.Storage;

/// <summary>Finds the <see cref="IObjectStore"/> for a location among the registered stores.</summary>
public sealed class ObjectStoreResolver
{
    private readonly IReadOnlyList<IObjectStore> _stores;

    /// <summary>Creates a resolver over the given stores; the local file system is always available.</summary>
    public ObjectStoreResolver(IEnumerable<IObjectStore> stores)
    {
        var list = stores.ToList();
        if (!list.Any(s => s is LocalObjectStore))
        {
            list.Add(new LocalObjectStore());
        }

        _stores = list;
    }

    /// <summary>A resolver that knows only the local file system.</summary>
    public static ObjectStoreResolver LocalOnly { get; } = new([]);

    /// <summary>The store for <paramref name="location"/>, or a clear error naming the schemes that are registered.</summary>
    public IObjectStore Resolve(ObjectLocation location)
    {
        foreach (var store in _stores)
        {
            if (store.CanHandle(location))
            {
                return store;
            }
        }

        throw new StorageException(location,
            $"no storage provider is registered for the '{location.Scheme}://' scheme. Reference the provider's package and register it (for example services.AddObjectStore(S3ObjectStore.Provider, section)).");
    }
}
