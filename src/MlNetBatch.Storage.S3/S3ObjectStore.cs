using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace MlNetBatch.Storage.S3;

/// <summary>Amazon S3 or an S3-compatible service as an <see cref="IObjectStore"/>, for <c>s3://bucket/key</c> (or the configured schemes).</summary>
/// <remarks>
/// Reads are ranged GETs pinned to the object's ETag, so an object replaced during a job is reported instead of being
/// read half old, half new. Writes are multipart uploads completed only on commit. Transient failures are retried by
/// the SDK's retry policy (<see cref="S3StorageOptions.MaxRetries"/>); permanent ones fail at once.
/// </remarks>
public sealed class S3ObjectStore : IObjectStore, IObjectRangeReader, IDisposable
{
    /// <summary>Registers this store: <c>services.AddObjectStore(S3ObjectStore.Provider, configuration.GetSection("MlNetBatch:Storage:S3"))</c>.</summary>
    public static ObjectStoreProvider<S3StorageOptions, S3StorageOptionsValidator, S3ObjectStore> Provider { get; } = new("S3");

    private readonly S3StorageOptions _options;
    private readonly AmazonS3Client _client;
    private readonly S3ErrorTranslator _errors;
    private readonly ILogger _logger;
    private readonly HashSet<string> _schemes;

    // The SDK retries failed requests, but not a response body that breaks off half way; this retries that range.
    private readonly ResiliencePipeline _bodyRetry;

    /// <summary>Creates the store from its options (dependency injection passes them bound and checked); throws <see cref="OptionsValidationException"/> listing every invalid option.</summary>
    public S3ObjectStore(S3StorageOptions options, ILogger<S3ObjectStore>? logger = null)
    {
        _options = StorageOptionsCheck.Validated(options, new S3StorageOptionsValidator());
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _schemes = new HashSet<string>((options.Schemes.Length > 0 ? options.Schemes : S3StorageOptions.DefaultSchemes).Select(s => s.ToLowerInvariant()));
        _errors = new S3ErrorTranslator(S3ClientFactory.DescribeEndpoint(options), options.MaxRetries);
        _client = S3ClientFactory.Create(options);
        _bodyRetry = options.MaxRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BodyInterruptedException>(),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
            }).Build();
    }

    /// <inheritdoc />
    public bool CanHandle(ObjectLocation location) => _schemes.Contains(location.Scheme);

    /// <inheritdoc />
    public async IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new ListObjectsV2Request { BucketName = prefix.Container, Prefix = prefix.Key };
        do
        {
            var response = await _errors.RunAsync(prefix, () => _client.ListObjectsV2Async(request, cancellationToken), cancellationToken).ConfigureAwait(false);

            // SDK 4 leaves collections null when a page is empty.
            foreach (var item in response.S3Objects ?? [])
            {
                // Keys ending in '/' are "folder" markers made by consoles, not data.
                if (!item.Key.EndsWith('/'))
                {
                    yield return new ObjectInfo(prefix.WithKey(item.Key), item.Size ?? 0, item.ETag, ToOffset(item.LastModified));
                }
            }

            request.ContinuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _errors.RunAsync(location, () => _client.GetObjectMetadataAsync(location.Container, location.Key, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            return new ObjectInfo(location, response.ContentLength, response.ETag, ToOffset(response.LastModified));
        }
        catch (ObjectNotFoundException)
        {
            // A HEAD response has no body, so it cannot say whether the key or the whole bucket is missing: ask.
            await ThrowIfBucketMissingAsync(location, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default) =>
        RangedObjectStream.OpenAsync(this, location, expected, _options, cancellationToken);

    /// <inheritdoc />
    public Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        ObjectLocation.RequireFileKey(location);
        var upload = new S3MultipartUpload(_client, location, _options, _errors, this);
        return Task.FromResult<IAtomicObjectWrite>(new PartUploadWrite(upload, location, _options.PartSizeBytes, _logger));
    }

    /// <inheritdoc />
    /// <remarks>
    /// A conditional put (If-None-Match: *), which S3 resolves atomically between racing writers (412 for the loser).
    /// A stat comes first, so a store that ignores the condition (s3rver does) still refuses an existing object.
    /// </remarks>
    public async Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        try
        {
            await StatAsync(location, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ObjectNotFoundException)
        {
        }

        return await PutAsync(location, content, new PutObjectRequest { IfNoneMatch = "*" }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A conditional put (If-Match: the expected ETag), which S3 resolves atomically between racing writers (412, or
    /// 409 for a write in flight). A stat comes first, so a store that ignores the condition (s3rver does) still
    /// refuses a stale version, though not a race between two writers of the same version.
    /// </remarks>
    public async Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expectedVersion);
        try
        {
            if (!ObjectVersion.IsSameTag(expectedVersion, (await StatAsync(location, cancellationToken).ConfigureAwait(false)).ETag))
            {
                return null;
            }
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }

        var quoted = expectedVersion.StartsWith('"') ? expectedVersion : $"\"{expectedVersion}\"";
        return await PutAsync(location, content, new PutObjectRequest { IfMatch = quoted }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>S3 answers 204 for a key that does not exist, which is what "delete if it exists" wants.</remarks>
    public Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default) =>
        _errors.RunAsync(location, () => _client.DeleteObjectAsync(location.Container, location.Key, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    /// <summary>Sends a small object in one conditional PUT (<paramref name="request"/> carries the condition); its ETag, or null when the condition failed.</summary>
    private async Task<string?> PutAsync(ObjectLocation location, ReadOnlyMemory<byte> content, PutObjectRequest request, CancellationToken cancellationToken)
    {
        request.BucketName = location.Container;
        request.Key = location.Key;
        request.InputStream = new MemoryStream(content.ToArray(), writable: false);
        request.UseChunkEncoding = _options.UseChunkEncoding;
        var response = await _errors.TryConditionalAsync(location, () => _client.PutObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        return response?.ETag;
    }

    private static DateTimeOffset ToOffset(DateTime? value) =>
        value is { } time ? new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue;

    /// <inheritdoc />
    async ValueTask<int> IObjectRangeReader.ReadRangeAsync(ObjectInfo version, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var location = version.Location;
        try
        {
            return await _bodyRetry.ExecuteAsync(
                async token => await ReadRangeOnceAsync(version, offset, destination, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (BodyInterruptedException e)
        {
            throw new StorageException(location,
                $"the connection broke while reading bytes {offset}-{offset + destination.Length - 1} through {_options.MaxRetries} retries ({e.InnerException?.Message}).",
                e.InnerException);
        }
    }

    private async ValueTask<int> ReadRangeOnceAsync(ObjectInfo version, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var location = version.Location;
        var request = new GetObjectRequest
        {
            BucketName = location.Container,
            Key = location.Key,
            ByteRange = new ByteRange(offset, offset + destination.Length - 1),
            EtagToMatch = version.ETag,
        };

        using (var response = await _errors.ReadPinnedAsync(location, () => _client.GetObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            // Not every S3-compatible server honours If-Match (s3rver ignores it): check the version that was sent.
            var served = version with { Size = TotalLength(response.ContentRange) ?? version.Size, ETag = response.ETag };
            if (!ObjectVersion.IsSame(version, served))
            {
                throw new VersionMismatchException(location);
            }

            // Read only what was asked for: s3rver answers "bytes=0-0" with the whole object.
            try
            {
                return await response.ResponseStream.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new BodyInterruptedException(e);
            }
        }
    }

    private static long? TotalLength(string? contentRange)
    {
        // "bytes 0-99/1000": the part after the slash is the whole object's size ("*" when the server does not know).
        var slash = contentRange?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : null;
    }

    private async Task ThrowIfBucketMissingAsync(ObjectLocation location, CancellationToken cancellationToken)
    {
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = location.Container, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            throw _errors.Translate(e, location);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not allowed to list, or another failure: the object's own "not found" is the better answer.
        }
    }

    private sealed class BodyInterruptedException(Exception inner) : Exception("The response body broke off.", inner);
}
