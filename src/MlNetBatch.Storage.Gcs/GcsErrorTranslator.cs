using System.Net;
using Google;

namespace MlNetBatch.Storage.Gcs;

/// <summary>
/// Turns client failures into <see cref="StorageException"/>s that name the object and say what went wrong in plain
/// words. Messages are written here rather than copied whole from the service, so no token leaks into logs.
/// </summary>
internal sealed class GcsErrorTranslator(string endpoint) : StorageErrorTranslator
{
    /// <summary>The service as messages name it: the configured endpoint, or Google Cloud Storage.</summary>
    public string Endpoint => endpoint;

    /// <inheritdoc />
    public override bool IsPreconditionFailure(Exception exception) =>
        exception is GoogleApiException { HttpStatusCode: HttpStatusCode.PreconditionFailed };

    /// <inheritdoc />
    public override StorageException Translate(Exception exception, ObjectLocation location) => exception switch
    {
        StorageException storage => storage,
        GoogleApiException api => FromService(api, location),
        _ when IsNetworkFailure(exception) => new StorageException(location, Unreachable(exception), exception, isTransient: true),
        _ => new StorageException(location, $"the request to {endpoint} failed ({exception.GetType().Name}: {exception.Message}).", exception),
    };

    private StorageException FromService(GoogleApiException e, ObjectLocation location)
    {
        var status = (int)e.HttpStatusCode;
        var reason = e.Error?.Errors?.FirstOrDefault()?.Reason ?? e.HttpStatusCode.ToString();
        return e.HttpStatusCode switch
        {
            HttpStatusCode.NotFound when IsBucketMissing(e) => new StorageException(location,
                $"the bucket '{location.Container}' does not exist at {endpoint}. Create it, or check the bucket name.", e),
            HttpStatusCode.NotFound => new ObjectNotFoundException(location, e),
            HttpStatusCode.Unauthorized => new StorageException(location,
                $"{endpoint} rejected the credentials (HTTP 401 {reason}): the application default credentials are missing, expired or revoked.", e),
            HttpStatusCode.Forbidden => new StorageException(location,
                $"access denied by {endpoint} (HTTP 403 {reason}): the account in use lacks permission for this bucket or object (or, for a requester-pays bucket, set ProjectId).", e),
            HttpStatusCode.BadRequest when reason == "invalid" && e.Message.Contains("bucket", StringComparison.OrdinalIgnoreCase) =>
                new StorageException(location, $"'{location.Container}' is not a valid bucket name.", e),
            HttpStatusCode.TooManyRequests => new StorageException(location,
                $"{endpoint} kept throttling requests (HTTP 429) through the client's retries; lower the job's parallelism or retry later.", e, isTransient: true),
            _ when status >= 500 => new StorageException(location,
                $"{endpoint} kept failing (HTTP {status} {reason}) through the client's retries; retry the job later.", e, isTransient: true),
            _ => new StorageException(location, $"{endpoint} refused the request (HTTP {status} {reason}: {e.Error?.Message}).", e),
        };
    }

    private static bool IsBucketMissing(GoogleApiException e) =>
        e.Error?.Message?.Contains("bucket", StringComparison.OrdinalIgnoreCase) == true
        && e.Error.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase);

    private string Unreachable(Exception cause) =>
        $"could not reach {endpoint} ({NetworkFailures.Describe(cause)}). Check BaseUri and the network.";

    private static bool IsNetworkFailure(Exception e) => NetworkFailures.IsNetworkFailure(e);
}
