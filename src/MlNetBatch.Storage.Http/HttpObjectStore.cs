using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace MlNetBatch.Storage.Http;

/// <summary>Files on a web server as a read-only <see cref="IObjectStore"/> for <c>http://</c> and <c>https://</c> URLs.</summary>
/// <remarks>
/// The server must accept byte-range requests (<c>Accept-Ranges: bytes</c>): every format reads from offsets, Parquet
/// its footer first and CSV/JSON Lines partitions from the middle of the file. Reads are pinned to the ETag (or
/// Last-Modified) seen when the job was planned. Plain HTTP cannot list, so each file must be named by its URL.
/// </remarks>
public sealed class HttpObjectStore : IObjectStore, IObjectRangeReader
{
    /// <summary>The name of the <see cref="HttpClient"/> this store asks <see cref="IHttpClientFactory"/> for.</summary>
    public const string HttpClientName = "MlNetBatch.Storage.Http";

    private const string NoListing = "plain HTTP(S) cannot list a folder or expand a glob; name each file by its full URL.";

    private readonly Func<HttpClient> _client;
    private readonly HttpStorageOptions _options;
    private readonly ResiliencePipeline _retry;
    private readonly Errors _errors;

    /// <summary>Creates the store with clients from <paramref name="clients"/> (the way dependency injection does).</summary>
    public HttpObjectStore(IHttpClientFactory clients, IOptions<HttpStorageOptions> options)
        : this(() => clients.CreateClient(HttpClientName), options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
        ArgumentNullException.ThrowIfNull(clients);
    }

    /// <summary>Creates the store over one <paramref name="client"/>; throws <see cref="OptionsValidationException"/> for invalid options.</summary>
    public HttpObjectStore(HttpClient client, HttpStorageOptions? options = null)
        : this(() => client, options ?? new HttpStorageOptions())
    {
        ArgumentNullException.ThrowIfNull(client);
    }

    private HttpObjectStore(Func<HttpClient> client, HttpStorageOptions options)
    {
        _client = client;
        _options = StorageOptionsCheck.Validated(options, new HttpStorageOptionsValidator());
        _errors = new Errors(options.MaxRetries);
        _retry = options.MaxRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception, args.Context.CancellationToken)),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
            }).Build();
    }

    /// <inheritdoc />
    public bool CanHandle(ObjectLocation location) => location.Scheme is "http" or "https";

    /// <inheritdoc />
    public async IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (prefix.Key.Length == 0 || prefix.Key.EndsWith('/'))
        {
            throw new StorageException(prefix, NoListing);
        }

        ObjectInfo info;
        try
        {
            info = await StatAsync(prefix, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException e)
        {
            // Globs arrive here as their literal prefix ("data/part-"), which is no file: say why that cannot work.
            throw new StorageException(prefix, $"no file at this URL (HTTP 404); {NoListing}", e);
        }

        yield return info;
    }

    /// <inheritdoc />
    public async Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default) =>
        (await HeadAsync(location, cancellationToken).ConfigureAwait(false)).Info;

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default)
    {
        var (current, acceptsRanges) = await HeadAsync(location, cancellationToken).ConfigureAwait(false);
        ObjectVersion.ThrowIfChanged(expected, current);

        if (!acceptsRanges)
        {
            throw new StorageException(location,
                "the server does not accept byte-range requests (no 'Accept-Ranges: bytes'), which reading needs: Parquet reads its footer first and CSV/JSON Lines partitions start mid-file. Serve the file from a server with range support, or copy it to local or object storage.");
        }

        return RangedObjectStream.ForVersion(expected, current, this, _options.ReadBlockBytes, _options.ReadAheadBytes);
    }

    /// <inheritdoc />
    public bool CanWrite => false;

    /// <inheritdoc />
    public Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{location}: http(s):// locations are read-only; write results to a local path or an object store such as s3://.");

    /// <inheritdoc />
    public Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{location}: http(s):// locations are read-only; objects cannot be deleted through them.");

    /// <inheritdoc />
    public Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{location}: http(s):// locations are read-only; write results to a local path or an object store such as s3://.");

    private static Uri ToUri(ObjectLocation location) => new(location.ToString(), UriKind.Absolute);

    private static bool IsTransient(Exception? exception, CancellationToken cancellationToken) => exception switch
    {
        TransientStatusException or HttpRequestException or IOException => true,
        // HttpClient's own timeout surfaces as a cancellation that nobody asked for.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>A request with the configured headers (Authorization and the like).</summary>
    private HttpRequestMessage Request(HttpMethod method, ObjectLocation location)
    {
        var request = new HttpRequestMessage(method, ToUri(location));
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private Task<(ObjectInfo Info, bool AcceptsRanges)> HeadAsync(ObjectLocation location, CancellationToken cancellationToken) =>
        _errors.RunAsync(location, () => _retry.ExecuteAsync(async token =>
        {
            using var request = Request(HttpMethod.Head, location);
            using var response = await _client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            ThrowOnFailure(location, response);
            var size = response.Content.Headers.ContentLength
                ?? throw new StorageException(location, "the server did not report the file's size (no Content-Length in its answer to HEAD), which planning partitions needs.");
            var lastModified = response.Content.Headers.LastModified ?? DateTimeOffset.MinValue;
            // Without an ETag, Last-Modified is the only version the server offers.
            var etag = response.Headers.ETag?.ToString() ?? (lastModified == DateTimeOffset.MinValue ? string.Empty : lastModified.ToString("R"));
            var acceptsRanges = response.Headers.AcceptRanges.Contains("bytes", StringComparer.OrdinalIgnoreCase);
            return (new ObjectInfo(location, size, etag, lastModified), acceptsRanges);
        }, cancellationToken).AsTask(), cancellationToken);

    /// <inheritdoc />
    async ValueTask<int> IObjectRangeReader.ReadRangeAsync(ObjectInfo version, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var location = version.Location;
        return await _errors.RunAsync(location, () => _retry.ExecuteAsync(async token =>
        {
            using var request = Request(HttpMethod.Get, location);
            request.Headers.Range = new RangeHeaderValue(offset, offset + destination.Length - 1);
            if (version.ETag.StartsWith('"'))
            {
                // A strong ETag pins the range to the planned version; the server answers 412 if the file changed.
                request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(version.ETag));
            }
            else if (version.LastModified != DateTimeOffset.MinValue)
            {
                request.Headers.IfUnmodifiedSince = version.LastModified;
            }

            using var response = await _client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                throw new VersionMismatchException(location);
            }

            ThrowOnFailure(location, response);
            if (response.StatusCode != HttpStatusCode.PartialContent)
            {
                throw new StorageException(location,
                    $"the server ignored the byte range {offset}-{offset + destination.Length - 1} (HTTP {(int)response.StatusCode} instead of 206 Partial Content), although it advertised range support.");
            }

            // Servers that ignore If-Match still say which version they sent.
            var served = version with
            {
                ETag = response.Headers.ETag?.ToString() ?? version.ETag,
                Size = response.Content.Headers.ContentRange?.Length ?? version.Size,
            };
            if (!ObjectVersion.IsSame(version, served))
            {
                throw new VersionMismatchException(location);
            }

            await using var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            return await body.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, token).ConfigureAwait(false);
        }, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
    }

    private static void ThrowOnFailure(ObjectLocation location, HttpResponseMessage response)
    {
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        throw status switch
        {
            HttpStatusCode.NotFound or HttpStatusCode.Gone => new ObjectNotFoundException(location),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new StorageException(location,
                $"access denied by the server (HTTP {(int)status} {response.ReasonPhrase})."),
            _ when IsTransient(status) => new TransientStatusException(status, response.ReasonPhrase),
            _ => new StorageException(location, $"the server refused the request (HTTP {(int)status} {response.ReasonPhrase})."),
        };
    }

    /// <summary>Says what a request that failed through every retry means; answers that the server gave are read by <see cref="ThrowOnFailure"/>.</summary>
    private sealed class Errors(int maxRetries) : StorageErrorTranslator
    {
        public override StorageException Translate(Exception exception, ObjectLocation location) => exception switch
        {
            TransientStatusException status => new StorageException(location,
                $"the server kept failing (HTTP {(int)status.Status} {status.ReasonPhrase}) through {maxRetries} retries; retry later.", exception),
            OperationCanceledException => new StorageException(location, $"the request timed out through {maxRetries} retries.", exception),
            _ => new StorageException(location, $"could not read from the server ({exception.Message}) through {maxRetries} retries.", exception),
        };
    }

    private sealed class TransientStatusException(HttpStatusCode status, string? reasonPhrase)
        : Exception($"HTTP {(int)status} {reasonPhrase}")
    {
        public HttpStatusCode Status => status;

        public string? ReasonPhrase => reasonPhrase;
    }
}
