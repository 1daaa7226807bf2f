using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace MlNetBatch.Storage.S3.Tests.S3;

/// <summary>
/// Service errors s3rver cannot produce (it does not check SigV4 signatures, never throttles, never fails with 5xx),
/// translated from the exceptions the SDK would throw.
/// </summary>
public class S3ErrorTranslatorTests
{
    private static readonly ObjectLocation Location = ObjectLocation.Parse("s3://bucket/data/a.parquet");
    private readonly S3ErrorTranslator _translator = new("Amazon S3 in eu-west-1", maxRetries: 4);

    [Theory]
    [InlineData("SignatureDoesNotMatch", HttpStatusCode.Forbidden, "Amazon S3 in eu-west-1 rejected the request signature (SignatureDoesNotMatch): the secret key does not belong to the access key, or the region is wrong. Check the profile or the AWS_SECRET_ACCESS_KEY environment variable.")]
    [InlineData("AccessDenied", HttpStatusCode.Forbidden, "access denied by Amazon S3 in eu-west-1 (AccessDenied): the credentials in use are not allowed to do this with the object or bucket.")]
    [InlineData("SlowDown", HttpStatusCode.ServiceUnavailable, "Amazon S3 in eu-west-1 kept throttling requests (SlowDown) through 4 retries; lower the job's parallelism or retry later.")]
    [InlineData("InternalError", HttpStatusCode.InternalServerError, "Amazon S3 in eu-west-1 kept failing (HTTP 500 InternalError) through 4 retries; retry the job later.")]
    [InlineData(null, HttpStatusCode.Forbidden, "access denied by Amazon S3 in eu-west-1 (HTTP 403 Forbidden): the credentials in use are not allowed to do this, or they were rejected.")]
    public void Service_errors_become_storage_errors_naming_the_object_and_the_cause(string? code, HttpStatusCode status, string expected)
    {
        var error = _translator.Translate(new AmazonS3Exception("raw service text with StringToSign", null, ErrorType.Sender, code, "request-id", status), Location);

        Assert.Equal($"s3://bucket/data/a.parquet: {expected}", error.Message);
        Assert.IsType<AmazonS3Exception>(error.InnerException);
    }

    [Fact]
    public void A_missing_key_is_object_not_found()
    {
        var error = _translator.Translate(new AmazonS3Exception("x", null, ErrorType.Sender, "NoSuchKey", "id", HttpStatusCode.NotFound), Location);

        Assert.IsType<ObjectNotFoundException>(error);
    }

    [Fact]
    public void Missing_credentials_explain_where_credentials_come_from()
    {
        var error = _translator.Translate(new AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors: ..."), Location);

        Assert.Contains("no AWS credentials were found: set a profile (MlNetBatch:Storage:S3:Profile)", error.Message);
    }
}
