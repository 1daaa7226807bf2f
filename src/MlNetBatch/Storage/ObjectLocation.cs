namespace MlNetBatch.Storage;

/// <summary>
/// A parsed object address: <c>scheme://container/key</c> for object stores, or a local path
/// (scheme <c>file</c>, kept as a full path with forward slashes on every platform).
/// </summary>
public sealed record ObjectLocation
{
    private ObjectLocation(string scheme, string container, string key)
    {
        Scheme = scheme;
        Container = container;
        Key = key;
    }

    /// <summary>The URI scheme in lower case; <c>file</c> for local paths.</summary>
    public string Scheme { get; }

    /// <summary>The bucket, container or account/container; empty for local paths.</summary>
    public string Container { get; }

    /// <summary>The object key; for local paths the full path.</summary>
    public string Key { get; }

    /// <summary>True for local file system paths.</summary>
    public bool IsLocal => Scheme == "file";

    /// <summary>Throws <see cref="StorageException"/> unless <paramref name="location"/> names an object to write: a key that is no bucket and no folder.</summary>
    public static void RequireFileKey(ObjectLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Key.Length == 0 || location.Key.EndsWith('/'))
        {
            throw new StorageException(location, "an object to write needs a key that names a file, not a bucket or a folder.");
        }
    }

    /// <summary>Parses a URI such as <c>s3://bucket/a/b.parquet</c>, a <c>file://</c> URI, or a local path.</summary>
    public static ObjectLocation Parse(string uriOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uriOrPath);
        var schemeEnd = uriOrPath.IndexOf("://", StringComparison.Ordinal);
        // A drive letter ("C:\data") is not a scheme; schemes are at least two characters long.
        if (schemeEnd <= 1)
        {
            return Local(uriOrPath);
        }

        var scheme = uriOrPath[..schemeEnd].ToLowerInvariant();
        var rest = uriOrPath[(schemeEnd + 3)..];
        if (scheme == "file")
        {
            return Local(rest);
        }

        var slash = rest.IndexOf('/');
        return slash < 0
            ? new ObjectLocation(scheme, rest, string.Empty)
            : new ObjectLocation(scheme, rest[..slash], rest[(slash + 1)..]);
    }

    /// <summary>A location for a local path, made absolute.</summary>
    public static ObjectLocation Local(string path) =>
        new("file", string.Empty, LocalPaths.ToKey(System.IO.Path.GetFullPath(path)));

    /// <summary>The location of <paramref name="relative"/> under this location, treated as a directory.</summary>
    public ObjectLocation Combine(string relative)
    {
        var key = Key.Length == 0 || Key.EndsWith('/') ? Key + relative : Key + "/" + relative;
        return new ObjectLocation(Scheme, Container, key);
    }

    /// <summary>The last segment of the key: the file name.</summary>
    public string Name
    {
        get
        {
            var trimmed = Key.TrimEnd('/');
            return trimmed[(trimmed.LastIndexOf('/') + 1)..];
        }
    }

    /// <summary>The same container with another key.</summary>
    public ObjectLocation WithKey(string key) => new(Scheme, Container, key);

    /// <summary>The local path, for <c>file</c> locations.</summary>
    public string LocalPath => IsLocal
        ? Key
        : throw new InvalidOperationException($"'{this}' is not a local path.");

    /// <inheritdoc />
    public override string ToString() => IsLocal ? Key : $"{Scheme}://{Container}/{Key}";
}
