using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MlNetBatch.Storage.Azure;

/// <summary>
/// Azure Blob Storage as an <see cref="IObjectStore"/>: <c>az://account/container/path</c>,
/// <c>https://account.blob.core.windows.net/container/path</c>, and URIs of the configured service endpoint.
/// </summary>
/// <remarks>
/// Reads are ranged downloads pinned to the planned version (<c>If-Match</c>); writes stage blocks and commit the block
/// list at the end, so a blob appears whole or not at all. Transient failures are retried by the SDK's retry policy
/// (<see cref="AzureBlobStorageOptions.MaxRetries"/>); permanent ones (missing container or blob, rejected credentials)
/// fail at once with a <see cref="StorageException"/> that names the location, the URI and the cause.
/// </remarks>
public sealed class AzureBlobObjectStore : IObjectStore, IObjectRangeReader
{
    /// <summary>Registers this store: <c>services.AddObjectStore(AzureBlobObjectStore.Provider, configuration.GetSection("MlNetBatch:Storage:Azure"))</c>.</summary>
    public static ObjectStoreProvider<AzureBlobStorageOptions, AzureBlobStorageOptionsValidator, AzureBlobObjectStore> Provider { get; } = new("Azure");

    private readonly AzureBlobStorageOptions _options;
    private readonly BlobClientFactory _clients;
    private readonly ILogger _logger;

    /// <summary>Creates the store; the options are validated here too, for use without a host.</summary>
    public AzureBlobObjectStore(IOptions<AzureBlobStorageOptions> options, ILogger<AzureBlobObjectStore>? logger = null)
        : this(options?.Value!, logger, customizeClient: null)
    {
    }

    /// <summary>A store whose SDK client options the tests can extend, for example with a policy that records requests.</summary>
    internal AzureBlobObjectStore(AzureBlobStorageOptions options, ILogger? logger, Action<BlobClientOptions>? customizeClient)
    {
        _options = StorageOptionsCheck.Validated(options, new AzureBlobStorageOptionsValidator());
        _logger = logger ?? NullLogger.Instance;
        _clients = new BlobClientFactory(_options, _logger, customizeClient);
    }

    /// <inheritdoc />
    public bool CanHandle(ObjectLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return BlobAddress.TryParse(location, _clients.ServiceUri) is not null;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var address = Parse(prefix);
        if (address.ContainerIsComplete && address.ContainerName.Length == 0)
        {
            throw new StorageException(prefix, "names no container; write az://<account>/<container>/<prefix>.");
        }

        if (address.ContainerIsComplete)
        {
            await foreach (var info in ListContainerAsync(address, address.ContainerName, address.BlobName, cancellationToken).ConfigureAwait(false))
            {
                yield return info;
            }

            yield break;
        }

        // The prefix ends inside the container name (az://account/ or az://account/logs-2024): list the matching containers.
        var service = _clients.Service(address);
        var containers = service.GetBlobContainersAsync(
                BlobContainerTraits.None, BlobContainerStates.None, address.ContainerName.Length == 0 ? null : address.ContainerName, cancellationToken)
            .Translated(e => BlobErrors.IsServiceFailure(e, cancellationToken), e => BlobErrors.Translate(e, address, service.Uri), cancellationToken);
        await foreach (var container in containers.ConfigureAwait(false))
        {
            await foreach (var info in ListContainerAsync(address, container.Name, string.Empty, cancellationToken).ConfigureAwait(false))
            {
                yield return info;
            }
        }
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        var address = Parse(location).RequireBlob();
        var blob = _clients.Container(address).GetBlobClient(address.BlobName);
        return await GetPropertiesAsync(address, blob, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default)
    {
        var address = Parse(location).RequireBlob();
        var blob = _clients.Container(address).GetBlobClient(address.BlobName);
        // One HEAD per open: it reports a missing blob or a changed one here, before a format reader wraps the error
        // in its own, and gives the ETag every ranged read is then pinned to.
        var actual = await GetPropertiesAsync(address, blob, cancellationToken).ConfigureAwait(false);
        return RangedObjectStream.ForVersion(expected, actual, this, _options.BlockSizeBytes, _options.ReadAheadBytes);
    }

    /// <inheritdoc />
    public Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        var address = Parse(location).RequireBlob();
        var blob = _clients.Container(address).GetBlockBlobClient(address.BlobName);
        // Nothing is sent yet: the first request is the first full block (or the commit, for a small blob).
        var upload = new BlobBlockUpload(blob, address, _options.BlockSizeBytes);
        return Task.FromResult<IAtomicObjectWrite>(new PartUploadWrite(upload, location, _options.BlockSizeBytes, _logger));
    }

    /// <inheritdoc />
    /// <remarks>A conditional upload (If-None-Match: *): the service lets only one of two racing writers create the blob.</remarks>
    public Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        UploadIfAsync(location, content, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>A conditional upload (If-Match: the expected ETag): the service lets only one of two racing writers replace that version.</remarks>
    public Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expectedVersion);
        return UploadIfAsync(location, content, new BlobRequestConditions { IfMatch = new ETag(expectedVersion) }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        var address = Parse(location).RequireBlob();
        var blob = _clients.Container(address).GetBlobClient(address.BlobName);
        try
        {
            await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "ContainerNotFound")
        {
            // No container, no blob: there is nothing to delete.
        }
        catch (Exception e) when (BlobErrors.IsServiceFailure(e, cancellationToken))
        {
            throw BlobErrors.Translate(e, address, blob.Uri);
        }
    }

    /// <inheritdoc />
    async ValueTask<int> IObjectRangeReader.ReadRangeAsync(ObjectInfo version, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var address = Parse(version.Location).RequireBlob();
        var blob = _clients.Container(address).GetBlobClient(address.BlobName);
        var options = new BlobDownloadOptions { Range = new HttpRange(offset, destination.Length), Conditions = new BlobRequestConditions { IfMatch = new ETag(version.ETag) } };
        try
        {
            // The content stream resumes by itself (same range, same ETag) when a connection drops mid-body.
            using var result = (await blob.DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false)).Value;
            return await result.Content.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrors.ConditionNotMet || e.Status == 412)
        {
            throw new VersionMismatchException(version.Location, e);
        }
        catch (Exception e) when (BlobErrors.IsServiceFailure(e, cancellationToken))
        {
            throw BlobErrors.Translate(e, address, blob.Uri);
        }
    }

    /// <summary>Uploads a small blob on <paramref name="conditions"/>: its new ETag, or null when they did not hold or the blob is gone.</summary>
    private async Task<string?> UploadIfAsync(ObjectLocation location, ReadOnlyMemory<byte> content, BlobRequestConditions conditions, CancellationToken cancellationToken)
    {
        var address = Parse(location).RequireBlob();
        var blob = _clients.Container(address).GetBlobClient(address.BlobName);
        try
        {
            var uploaded = await blob.UploadAsync(new BinaryData(content), new BlobUploadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
            return BlobObjectInfo.Normalize(uploaded.Value.ETag);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 || e.ErrorCode == "BlobNotFound")
        {
            return null;
        }
        catch (Exception e) when (BlobErrors.IsServiceFailure(e, cancellationToken))
        {
            throw BlobErrors.Translate(e, address, blob.Uri);
        }
    }

    private BlobAddress Parse(ObjectLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return BlobAddress.TryParse(location, _clients.ServiceUri)
            ?? throw new StorageException(location, "is not an Azure Blob Storage location; write az://<account>/<container>/<path> or https://<account>.blob.core.windows.net/<container>/<path>.");
    }

    private static async Task<ObjectInfo> GetPropertiesAsync(BlobAddress address, BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return BlobObjectInfo.From(address.Location, properties.Value);
        }
        catch (Exception e) when (BlobErrors.IsServiceFailure(e, cancellationToken))
        {
            throw BlobErrors.Translate(e, address, blob.Uri);
        }
    }

    private IAsyncEnumerable<ObjectInfo> ListContainerAsync(BlobAddress address, string containerName, string blobPrefix, CancellationToken cancellationToken)
    {
        var container = _clients.Service(address).GetBlobContainerClient(containerName);
        var options = new GetBlobsOptions { Prefix = blobPrefix.Length == 0 ? null : blobPrefix, Traits = BlobTraits.None, States = BlobStates.None };
        // A missing container is an error, not an empty listing: "matches no object" would hide the typo.
        return container.GetBlobsAsync(options, cancellationToken)
            .Translated(e => BlobErrors.IsServiceFailure(e, cancellationToken), e => BlobErrors.Translate(e, address with { ContainerName = containerName }, container.Uri), cancellationToken)
            .Select(item => BlobObjectInfo.From(address.LocationOf(containerName, item.Name), item));
    }
}
