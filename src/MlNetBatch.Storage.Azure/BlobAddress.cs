using Azure.Storage.Blobs;

namespace MlNetBatch.Storage.Azure;

/// <summary>
/// Where an <see cref="ObjectLocation"/> points in Blob Storage: the account, its endpoint, the container and the blob name.
/// </summary>
/// <remarks>
/// <c>az://account/container/path</c> parses with the account as <see cref="ObjectLocation.Container"/> and the blob
/// container as the first key segment, so every form is mapped here, in one place, and listings are turned back into
/// locations of the same form the caller used (the glob matcher compares keys).
/// </remarks>
/// <param name="Location">The location as the caller wrote it.</param>
/// <param name="Account">The storage account name.</param>
/// <param name="Endpoint">The endpoint written in the location (https://account.blob…), or null for <c>az://</c> and the configured service URI.</param>
/// <param name="KeyPrefix">The part of the key before the container (the account segment of a path-style URI), usually empty.</param>
/// <param name="ContainerName">The blob container; for a listing prefix, possibly only the start of its name.</param>
/// <param name="BlobName">The blob name or blob name prefix inside the container.</param>
/// <param name="ContainerIsComplete">False when the key stops inside the container name (a listing prefix such as <c>az://acct/logs</c>).</param>
internal sealed record BlobAddress(
    ObjectLocation Location, string Account, Uri? Endpoint, string KeyPrefix, string ContainerName, string BlobName, bool ContainerIsComplete)
{
    // Public-cloud, sovereign-cloud and DNS-zone blob endpoints; anything else https:// is left to other providers.
    private static readonly string[] BlobEndpointSuffixes =
    [
        ".blob.core.windows.net",
        ".blob.core.chinacloudapi.cn",
        ".blob.core.usgovcloudapi.net",
        ".blob.storage.azure.net",
    ];

    /// <summary>Parses a location this provider serves, or returns null for any other.</summary>
    public static BlobAddress? TryParse(ObjectLocation location, Uri? serviceUri)
    {
        string account;
        Uri? endpoint = null;
        var keyPrefix = string.Empty;
        if (location.Scheme == "az")
        {
            if (location.Container.Length == 0)
            {
                return null;
            }

            account = location.Container;
        }
        else if (serviceUri is not null && IsServiceUri(location, serviceUri))
        {
            // Path-style (Azurite, IP endpoints): http://127.0.0.1:10000/devstoreaccount1/container/blob.
            var servicePath = serviceUri.AbsolutePath.Trim('/');
            keyPrefix = servicePath.Length == 0 ? string.Empty : servicePath + "/";
            if (!location.Key.StartsWith(keyPrefix, StringComparison.Ordinal) && location.Key != servicePath)
            {
                return null;
            }

            account = new BlobUriBuilder(serviceUri).AccountName;
        }
        else if (location.Scheme is "https" or "http" && IsBlobEndpointHost(location.Container))
        {
            account = location.Container[..location.Container.IndexOf('.', StringComparison.Ordinal)];
            endpoint = new Uri($"{location.Scheme}://{location.Container}");
        }
        else
        {
            return null;
        }

        var rest = location.Key.Length >= keyPrefix.Length ? location.Key[keyPrefix.Length..] : string.Empty;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? new BlobAddress(location, account, endpoint, keyPrefix, rest, string.Empty, ContainerIsComplete: false)
            : new BlobAddress(location, account, endpoint, keyPrefix, rest[..slash], rest[(slash + 1)..], ContainerIsComplete: true);
    }

    /// <summary>Throws unless the address names one blob (a container and a non-empty name).</summary>
    public BlobAddress RequireBlob()
    {
        if (!ContainerIsComplete || ContainerName.Length == 0 || BlobName.Length == 0 || BlobName.EndsWith('/'))
        {
            throw new StorageException(Location, $"does not name a blob; write {Example()}.");
        }

        return this;
    }

    /// <summary>The location of a blob found by listing, in the form the caller used.</summary>
    public ObjectLocation LocationOf(string containerName, string blobName) =>
        Location.WithKey($"{KeyPrefix}{containerName}/{blobName}");

    private string Example() => Location.Scheme == "az"
        ? $"az://{Account}/<container>/<path>"
        : $"{Location.Scheme}://{Location.Container}/{KeyPrefix}<container>/<path>";

    private static bool IsServiceUri(ObjectLocation location, Uri serviceUri) =>
        string.Equals(location.Scheme, serviceUri.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(location.Container, serviceUri.Authority, StringComparison.OrdinalIgnoreCase);

    private static bool IsBlobEndpointHost(string authority)
    {
        var host = authority.Split(':')[0];
        foreach (var suffix in BlobEndpointSuffixes)
        {
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
