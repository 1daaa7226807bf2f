using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace MlNetBatch.Storage.S3;

/// <summary>
/// Turns SDK failures into <see cref="StorageException"/>s that name the object and say what went wrong in plain
/// words. Messages are written here rather than copied from the service, so no credential or signature leaks into logs.
/// </summary>
internal sealed class S3ErrorTranslator(string endpoint, int maxRetries) : StorageErrorTranslator
{
    /// <inheritdoc />
    /// <remarks>409 is how S3 answers the loser of two conditional writes racing for one key.</remarks>
    public override bool IsPreconditionFailure(Exception exception) =>
        exception is AmazonS3Exception { StatusCode: HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict };

    /// <inheritdoc />
    public override StorageException Translate(Exception exception, ObjectLocation location) => exception switch
    {
        StorageException storage => storage,
        AmazonS3Exception s3 => FromService(s3, location),
        AmazonServiceException { InnerException: { } inner } service when IsNetworkFailure(inner) =>
            new StorageException(location, Unreachable(inner), service),
        _ when IsNetworkFailure(exception) => new StorageException(location, Unreachable(exception), exception),
        AmazonClientException client when client.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) =>
            new StorageException(location,
                "no AWS credentials were found: set a profile (MlNetBatch:Storage:S3:Profile) or the standard AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables, or run with an instance or container role.",
                client),
        _ => new StorageException(location, $"the request to {endpoint} failed ({exception.GetType().Name}: {exception.Message}).", exception),
    };

    private StorageException FromService(AmazonS3Exception e, ObjectLocation location)
    {
        var code = e.ErrorCode;
        return code switch
        {
            "NoSuchBucket" => new StorageException(location,
                $"the bucket '{location.Container}' does not exist at {endpoint}. Create it, or check the bucket name and the endpoint/region.", e),
            "NoSuchKey" => new ObjectNotFoundException(location, e),
            "InvalidAccessKeyId" => new StorageException(location,
                $"{endpoint} does not know the access key in use (InvalidAccessKeyId). Check the profile or the AWS_ACCESS_KEY_ID environment variable.", e),
            "SignatureDoesNotMatch" => new StorageException(location,
                $"{endpoint} rejected the request signature (SignatureDoesNotMatch): the secret key does not belong to the access key, or the region is wrong. Check the profile or the AWS_SECRET_ACCESS_KEY environment variable.", e),
            "AccessDenied" or "AllAccessDisabled" => new StorageException(location,
                $"access denied by {endpoint} ({code}): the credentials in use are not allowed to do this with the object or bucket.", e),
            "InvalidBucketName" => new StorageException(location, $"'{location.Container}' is not a valid bucket name.", e),
            "SlowDown" or "Throttling" or "ThrottlingException" or "RequestLimitExceeded" => new StorageException(location,
                $"{endpoint} kept throttling requests ({code}) through {maxRetries} retries; lower the job's parallelism or retry later.", e),
            _ => FromStatus(e, location),
        };
    }

    private StorageException FromStatus(AmazonS3Exception e, ObjectLocation location)
    {
        var status = (int)e.StatusCode;
        var code = string.IsNullOrEmpty(e.ErrorCode) ? e.StatusCode.ToString() : e.ErrorCode;
        return e.StatusCode switch
        {
            HttpStatusCode.NotFound => new ObjectNotFoundException(location, e),
            HttpStatusCode.Forbidden => new StorageException(location,
                $"access denied by {endpoint} (HTTP 403 {code}): the credentials in use are not allowed to do this, or they were rejected.", e),
            _ when status >= 500 => new StorageException(location,
                $"{endpoint} kept failing (HTTP {status} {code}) through {maxRetries} retries; retry the job later.", e),
            _ => new StorageException(location, $"{endpoint} refused the request (HTTP {status} {code}).", e),
        };
    }

    private string Unreachable(Exception cause) =>
        $"could not reach {endpoint} ({NetworkFailures.Describe(cause)}) through {maxRetries} retries. Check ServiceUrl/Region and the network.";

    private static bool IsNetworkFailure(Exception e) => NetworkFailures.IsNetworkFailure(e);
}
