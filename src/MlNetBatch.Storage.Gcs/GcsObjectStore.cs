using System.Globalization;
using System.Net;
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
    /// <summary>The URI scheme this store serves.</summary>
    public const string Scheme = "gs";

    private readonly GcsStorageOptions _options;
    private readonly StorageClient _client;
    private readonly GcsErrorTranslator _errors;
    private readonly ILogger _logger;

    /// <summary>Creates the store from validated options (the way dependency injection does).</summary>
    public GcsObjectStore(IOptions<GcsStorageOptions> options, ILogger<GcsObjectStore>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <summary>Creates the store; throws <see cref="OptionsValidationException"/> listing every invalid option.</summary>
    public GcsObjectStore(GcsStorageOptions options, ILogger<GcsObjectStore>? logger = null)
    {
        _options = StorageOptionsCheck.Validated(options, new GcsStorageOptionsValidator());
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _errors = new GcsErrorTranslator(GcsClientFactory.DescribeEndpoint(options));
        _client = GcsClientFactory.Create(options);
    }

    /// <inheritdoc />
    public bool CanHandle(ObjectLocation location) => location.Scheme == Scheme;

    /// <inheritdoc />
    public IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, CancellationToken cancellationToken = default)
    {
        var options = new ListObjectsOptions { UserProject = _options.ProjectId };
        return _client.ListObjectsAsync(prefix.Container, prefix.Key.Length == 0 ? null : prefix.Key, options)
            .Translated(e => GcsErrorTranslator.ShouldTranslate(e, cancellationToken), e => _errors.Translate(e, prefix), cancellationToken)
            // Names ending in '/' are "folder" placeholders made by consoles, not data.
            .Where(item => !item.Name.EndsWith('/'))
            .Select(item => ToInfo(prefix.WithKey(item.Name), item));
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        try
        {
            var item = await _client.GetObjectAsync(location.Container, location.Key, null, cancellationToken).ConfigureAwait(false);
            return ToInfo(location, item);
        }
        catch (Exception e) when (GcsErrorTranslator.ShouldTranslate(e, cancellationToken))
        {
            throw _errors.Translate(e, location);
        }
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
    public async Task<bool> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        // ifGenerationMatch=0 means "only if no live object has this name": atomic, as leases need.
        var options = UploadOptions(ifGenerationMatch: 0);
        try
        {
            using var source = new MemoryStream(content.ToArray(), writable: false);
            await _client.UploadObjectAsync(location.Container, location.Key, null, source, options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (GcsErrorTranslator.Is(e, HttpStatusCode.PreconditionFailed))
        {
            return false;
        }
        catch (Exception e) when (GcsErrorTranslator.ShouldTranslate(e, cancellationToken))
        {
            throw _errors.Translate(e, location);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        try
        {
            await _client.DeleteObjectAsync(location.Container, location.Key, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (GcsErrorTranslator.Is(e, HttpStatusCode.NotFound) && !IsBucketMissing(e))
        {
            // "Removes an object if it exists": an absent one is already removed.
        }
        catch (Exception e) when (GcsErrorTranslator.ShouldTranslate(e, cancellationToken))
        {
            throw _errors.Translate(e, location);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    /// <summary>Uploads the spooled object in <paramref name="source"/> as one resumable upload, then returns what was stored.</summary>
    internal async Task<ObjectInfo> UploadAsync(ObjectLocation location, Stream source, long? ifGenerationMatch, CancellationToken cancellationToken)
    {
        try
        {
            var item = await _client.UploadObjectAsync(location.Container, location.Key, null, source, UploadOptions(ifGenerationMatch), cancellationToken)
                .ConfigureAwait(false);
            if (item is null || item.Size is null)
            {
                return await StatAsync(location, cancellationToken).ConfigureAwait(false);
            }

            var info = ToInfo(location, item);
            if (info.Size != source.Length)
            {
                throw new StorageException(location,
                    $"{GcsClientFactory.DescribeEndpoint(_options)} stored {info.Size} bytes of the {source.Length} uploaded; the object is incomplete.");
            }

            return info;
        }
        catch (Exception e) when (GcsErrorTranslator.ShouldTranslate(e, cancellationToken))
        {
            throw _errors.Translate(e, location);
        }
    }

    /// <summary>Logs a spool file that could not be removed; the write itself is unaffected.</summary>
    internal void SpoolNotRemoved(Exception e, string path) => _logger.LogWarning("Could not remove the spool file {Path}: {Reason}", path, e.Message);

    private UploadObjectOptions UploadOptions(long? ifGenerationMatch) => new()
    {
        ChunkSize = _options.UploadChunkBytes,
        IfGenerationMatch = ifGenerationMatch,
        UserProject = _options.ProjectId,
    };

    private static bool IsBucketMissing(Exception e) =>
        e is Google.GoogleApiException { Error.Message: { } message }
        && message.Contains("bucket", StringComparison.OrdinalIgnoreCase)
        && message.Contains("does not exist", StringComparison.OrdinalIgnoreCase);

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
        GcsObject served;
        try
        {
            served = await _client.DownloadObjectAsync(location.Container, location.Key, window, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (GcsErrorTranslator.Is(e, HttpStatusCode.PreconditionFailed) || GcsErrorTranslator.Is(e, HttpStatusCode.NotFound))
        {
            throw new VersionMismatchException(location, e);
        }
        catch (Exception e) when (GcsErrorTranslator.ShouldTranslate(e, cancellationToken))
        {
            throw _errors.Translate(e, location);
        }

        // Not every server honours ifGenerationMatch on media downloads: check the generation that was served, too.
        if (served?.Generation is { } servedGeneration && options.IfGenerationMatch is { } wanted && servedGeneration != wanted)
        {
            throw new VersionMismatchException(location);
        }

        return window.Written;
    }
}
