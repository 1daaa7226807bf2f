using Amazon.Runtime;

namespace MlNetBatch.Storage.S3;

/// <summary>How MlNetBatch reaches Amazon S3 or an S3-compatible service; bound from <c>MlNetBatch:Storage:S3</c>.</summary>
/// <remarks>
/// Credentials never belong here or in a job definition: they come from <see cref="Profile"/> or, when it is not
/// set, from the AWS SDK's standard chain (environment variables, shared profile, container or instance role).
/// </remarks>
public sealed class S3StorageOptions : RangedReadOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "MlNetBatch:Storage:S3";

    /// <summary>The smallest part S3 accepts in a multipart upload (except the last).</summary>
    public const int MinimumPartSizeBytes = 5 << 20;

    /// <summary>The AWS region, such as <c>eu-west-1</c>; with <see cref="ServiceUrl"/>, the region requests are signed for.</summary>
    /// <value>The default is the SDK's (<c>AWS_REGION</c>, the profile), or <c>us-east-1</c> with a <see cref="ServiceUrl"/>.</value>
    public string? Region { get; set; }

    /// <summary>
    /// An endpoint to use instead of AWS's, for S3-compatible services: MinIO, Ceph, Cloudflare R2,
    /// Google Cloud Storage's interoperability endpoint (<c>https://storage.googleapis.com</c>).
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Addresses buckets as <c>endpoint/bucket/key</c> instead of <c>bucket.endpoint/key</c>; most self-hosted services need this.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>A named profile from the shared AWS credentials/config files; otherwise the SDK's standard credential chain is used.</summary>
    public string? Profile { get; set; }

    /// <summary>The shared credentials file that holds <see cref="Profile"/>, when it is not the SDK's default (<c>~/.aws/credentials</c>).</summary>
    public string? ProfilesLocation { get; set; }

    /// <summary>
    /// The URI schemes this store serves. Use <c>["gs"]</c> to read and write <c>gs://bucket/key</c> through Google Cloud
    /// Storage's S3 interoperability endpoint with HMAC keys from the profile or environment.
    /// </summary>
    /// <value>
    /// Empty by default, which means <c>["s3"]</c>. (A non-empty default would not be replaced by a list from
    /// configuration: the binder appends to arrays, so <c>["gs"]</c> would end up as <c>["s3", "gs"]</c>.)
    /// </value>
    public string[] Schemes { get; set; } = [];

    /// <summary>The schemes served when <see cref="Schemes"/> is left empty.</summary>
    public static IReadOnlyList<string> DefaultSchemes { get; } = ["s3"];

    /// <summary>
    /// Uploads with aws-chunked encoding and trailing checksums, as Amazon S3 expects. Set to false for services that
    /// do not understand it: some (s3rver) store the chunk framing inside the object, silently corrupting it;
    /// Google Cloud Storage's interoperability endpoint rejects it. False also limits checksums to where an API requires them.
    /// </summary>
    /// <value>The default is true.</value>
    public bool UseChunkEncoding { get; set; } = true;

    /// <summary>
    /// Bytes per multipart-upload part. Objects smaller than this are uploaded with one request at commit; a writer
    /// holds at most two parts in memory (one filling, one uploading).
    /// </summary>
    /// <value>The default is 8 MiB; at least 5 MiB (S3's minimum part size) and at most 1 GiB.</value>
    public int PartSizeBytes { get; set; } = 8 << 20;

    /// <summary>
    /// Retries of a request that failed transiently (5xx, throttling, timeouts, dropped connections), with the
    /// SDK's backoff. Permanent errors (no such bucket, access denied) are never retried.
    /// </summary>
    /// <value>The default is 4; from 0 to 20.</value>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The SDK's retry mode: <c>Standard</c>, or <c>Adaptive</c> to also rate-limit the client when throttled.</summary>
    /// <value>The default is <see cref="RequestRetryMode.Standard"/>.</value>
    public RequestRetryMode RetryMode { get; set; } = RequestRetryMode.Standard;

    /// <summary>How long one request attempt may take, including sending a part or receiving a range.</summary>
    /// <value>The default is 2 minutes.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long to wait for a connection to the endpoint.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
