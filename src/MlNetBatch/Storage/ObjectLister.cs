namespace MlNetBatch.Storage;

/// <summary>Expands a path, directory or glob into the objects it names, in a stable order.</summary>
public static class ObjectLister
{
    /// <summary>
    /// Lists the objects named by <paramref name="pathOrPattern"/>: one object, everything under a directory or
    /// prefix ending in <c>/</c>, or the matches of a glob. Throws when nothing matches. As in Hadoop and Spark,
    /// names starting with <c>_</c> or <c>.</c> (<c>_SUCCESS</c>, <c>_manifest.json</c>, <c>_quarantine/</c>) are
    /// left out of directory and glob listings, so an output directory can be read as input.
    /// </summary>
    public static Task<IReadOnlyList<ObjectInfo>> ListAsync(
        ObjectStoreResolver resolver, string pathOrPattern, CancellationToken cancellationToken = default) =>
        ListAsync(resolver, pathOrPattern, hidden: null, cancellationToken);

    /// <summary>
    /// Lists as <see cref="ListAsync(ObjectStoreResolver, string, CancellationToken)"/> does, and adds to
    /// <paramref name="hidden"/> the objects it left out for their <c>_</c> or <c>.</c> names, so that a caller can say so.
    /// </summary>
    public static async Task<IReadOnlyList<ObjectInfo>> ListAsync(
        ObjectStoreResolver resolver, string pathOrPattern, ICollection<ObjectInfo>? hidden, CancellationToken cancellationToken = default)
    {
        var location = ObjectLocation.Parse(pathOrPattern);
        var store = resolver.Resolve(location);
        var results = new List<ObjectInfo>();
        if (GlobPattern.HasWildcards(location.Key))
        {
            var glob = GlobPattern.Parse(location.Key);
            await foreach (var info in store.ListAsync(location.WithKey(glob.LiteralPrefix), cancellationToken).ConfigureAwait(false))
            {
                if (glob.IsMatch(info.Location.Key))
                {
                    (IsHidden(info.Location.Key, glob.LiteralPrefix.Length) ? hidden : results)?.Add(info);
                }
            }
        }
        else
        {
            await foreach (var info in store.ListAsync(location, cancellationToken).ConfigureAwait(false))
            {
                // "data/a" must not pick up "data/ab.csv": match the object itself or what lies under it as a directory.
                var key = info.Location.Key;
                var directory = location.Key.TrimEnd('/') + "/";
                if (key == location.Key)
                {
                    results.Add(info);
                }
                else if (key.StartsWith(directory, StringComparison.Ordinal))
                {
                    (IsHidden(key, directory.Length) ? hidden : results)?.Add(info);
                }
            }
        }

        if (results.Count == 0)
        {
            throw new StorageException(location, "the path or pattern matches no object.");
        }

        results.Sort((a, b) => string.CompareOrdinal(a.Location.Key, b.Location.Key));
        return results;
    }

    private static bool IsHidden(string key, int from)
    {
        for (var segment = from; segment < key.Length; segment = key.IndexOf('/', segment) + 1)
        {
            if (key[segment] is '_' or '.')
            {
                return true;
            }

            if (key.IndexOf('/', segment) < 0)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>The objects of every one of <paramref name="paths"/>, in the order given; an object named twice is listed once.</summary>
    public static async Task<List<ObjectInfo>> ListAllAsync(ObjectStoreResolver resolver, IReadOnlyList<string> paths, List<ObjectInfo> hidden, CancellationToken cancellationToken)
    {
        var files = new List<ObjectInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            foreach (var file in await ObjectLister.ListAsync(resolver, path, hidden, cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add(file.Location.ToString()))
                {
                    files.Add(file);
                }
            }
        }

        return files;
    }
}
