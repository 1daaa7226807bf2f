using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace MlNetBatch.Storage.Gcs;

/// <summary>Google Cloud Storage as an <see cref="IObjectStore"/>, for <c>gs://bucket/object</c>, through the native JSON API.</summary>
/// <remarks>
/// An object's version is its generation. Reads are ranged downloads with an <c>ifGenerationMatch</c> precondition,
/// so an object replaced during a job is reported instead of being read half old, half new. Writes are spooled to a
/// local file and sent as one resumable upload at commit, so nothing is visible under the name before then.
/// Transient failures are retried by the client library's own retry policy.
/// </remarks>
public sealed class GcsObjectStore : IObjectStore, IObjectRangeReader, IDisposable
{
    /// <summary>Registers this store: <c>services.AddObjectStore(GcsObjectStore.Provider, configuration.GetSection("MlNetBatch:Storage:Gcs"))</c>.</summary>
    public static ObjectStoreProvider<GcsStorageOptions, GcsStorageOptionsValidator, GcsObjectStore> Provider { get; } = new("Gcs");

    /// <summary>The URI scheme this store serves.</summary>
    public const string Scheme = "gs";

    private readonly GcsStorageOptions _options;
    private readonly StorageClient _client;
    private readonly GcsErrorTranslator _errors;
    private readonly ILogger _logger;

    /// <summary>Creates the store from its options (dependency injection passes them bound and checked); throws <see cref="OptionsValidationException"/> listing every invalid option.</summary>
    public GcsObjectStore(GcsStorageOptions options, ILogger<GcsObjectStore>? logger = null)
    {
        _options = StorageOptionsCheck.Validated(options, new GcsStorageOptionsValidator());
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _errors = new GcsErrorTranslator(options.BaseUri ?? "Google Cloud Storage");
        _client = CreateClient(options);
    }

    /// <inheritdoc />
    public bool CanHandle(ObjectLocation location) => location.Scheme == Scheme;

    /// <inheritdoc />
    public IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, CancellationToken cancellationToken = default)
    {
        var options = new ListObjectsOptions { UserProject = _options.ProjectId };
        return _errors.Translated(prefix, _client.ListObjectsAsync(prefix.Container, prefix.Key.Length == 0 ? null : prefix.Key, options), cancellationToken)
            // Names ending in '/' are "folder" placeholders made by consoles, not data.
            .Where(item => !item.Name.EndsWith('/'))
            .Select(item => ToInfo(prefix.WithKey(item.Name), item));
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        var item = await _errors.RunAsync(location, () => _client.GetObjectAsync(location.Container, location.Key, null, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        return ToInfo(location, item);
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default) =>
        RangedObjectStream.OpenAsync(this, location, expected, _options, cancellationToken);

    /// <inheritdoc />
    public Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        ObjectLocation.RequireFileKey(location);
        return Task.FromResult<IAtomicObjectWrite>(new GcsAtomicWrite(this, location, ifGenerationMatch: null, _options.SpoolDirectory));
    }

    /// <inheritdoc />
    /// <remarks>ifGenerationMatch=0 means "only if no live object has this name": atomic, as leases need.</remarks>
    public Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        UploadIfGenerationAsync(location, content, 0, cancellationToken);

    /// <inheritdoc />
    /// <remarks>ifGenerationMatch=the expected generation: Cloud Storage lets only one of two racing writers replace it.</remarks>
    public async Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expectedVersion);
        // A version that is no generation (an ETag from elsewhere) can never match.
        return long.TryParse(expectedVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var generation) && generation > 0
            ? await UploadIfGenerationAsync(location, content, generation, cancellationToken).ConfigureAwait(false)
            : null;
    }

    private async Task<string?> UploadIfGenerationAsync(ObjectLocation location, ReadOnlyMemory<byte> content, long generation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        using var source = new MemoryStream(content.ToArray(), writable: false);
        var item = await _errors.TryConditionalAsync(location,
            () => _client.UploadObjectAsync(location.Container, location.Key, null, source, UploadOptions(generation), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return item is null ? null : ToInfo(location, item).ETag;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        try
        {
            await _errors.RunAsync(location, () => _client.DeleteObjectAsync(location.Container, location.Key, null, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            // "Removes an object if it exists": an absent one is already removed (a missing bucket is still an error).
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    /// <summary>Uploads the spooled object in <paramref name="source"/> as one resumable upload, then returns what was stored.</summary>
    internal async Task<ObjectInfo> UploadAsync(ObjectLocation location, Stream source, long? ifGenerationMatch, CancellationToken cancellationToken)
    {
        var item = await _errors.RunAsync(location,
            () => _client.UploadObjectAsync(location.Container, location.Key, null, source, UploadOptions(ifGenerationMatch), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (item is null || item.Size is null)
        {
            return await StatAsync(location, cancellationToken).ConfigureAwait(false);
        }

        var info = ToInfo(location, item);
        return info.Size == source.Length
            ? info
            : throw new StorageException(location, $"{_errors.Endpoint} stored {info.Size} bytes of the {source.Length} uploaded; the object is incomplete.");
    }

    /// <summary>Logs a spool file that could not be removed; the write itself is unaffected.</summary>
    internal void SpoolNotRemoved(Exception e, string path) => _logger.LogWarning("Could not remove the spool file {Path}: {Reason}", path, e.Message);

    private static StorageClient CreateClient(GcsStorageOptions options)
    {
        try
        {
            return new StorageClientBuilder { BaseUri = options.BaseUri, UnauthenticatedAccess = options.Anonymous }.Build();
        }
        catch (InvalidOperationException e)
        {
            // GoogleCredential.GetApplicationDefault throws this when no credential source exists.
            throw new MlNetBatchException(
                $"{GcsStorageOptions.SectionName}: no Google application default credentials were found ({e.Message}). Set GOOGLE_APPLICATION_CREDENTIALS, run 'gcloud auth application-default login', run on Google Cloud with a service account, or set Anonymous for public buckets and emulators.",
                e);
        }
    }

    private UploadObjectOptions UploadOptions(long? ifGenerationMatch) => new()
    {
        ChunkSize = _options.UploadChunkBytes,
        IfGenerationMatch = ifGenerationMatch,
        UserProject = _options.ProjectId,
    };

    private static ObjectInfo ToInfo(ObjectLocation location, GcsObject item) =>
        new(location, (long)(item.Size ?? 0), item.Generation?.ToString(CultureInfo.InvariantCulture) ?? item.ETag ?? string.Empty,
            item.UpdatedDateTimeOffset ?? DateTimeOffset.MinValue);

    /// <inheritdoc />
    async ValueTask<int> IObjectRangeReader.ReadRangeAsync(ObjectInfo version, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var location = version.Location;
        var options = new DownloadObjectOptions
        {
            Range = new RangeHeaderValue(offset, offset + destination.Length - 1),
            IfGenerationMatch = long.TryParse(version.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out var generation) ? generation : null,
            // The client can only validate a hash over the whole object, never over a range.
            DownloadValidationMode = DownloadValidationMode.Never,
            UserProject = _options.ProjectId,
        };

        var window = new MemoryWindowStream(destination);
        var served = await _errors.ReadPinnedAsync(location,
            () => _client.DownloadObjectAsync(location.Container, location.Key, window, options, cancellationToken), cancellationToken).ConfigureAwait(false);

        // Not every server honours ifGenerationMatch on media downloads: check the generation that was served, too.
        if (served?.Generation is { } servedGeneration && options.IfGenerationMatch is { } wanted && servedGeneration != wanted)
        {
            throw new VersionMismatchException(location);
        }

        return window.Written;
    }
}
