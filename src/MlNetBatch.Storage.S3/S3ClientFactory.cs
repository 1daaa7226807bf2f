using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;

namespace MlNetBatch.Storage.S3;

/// <summary>Builds the SDK client from <see cref="S3StorageOptions"/>: endpoint, credentials, checksums and retry policy.</summary>
internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RetryMode = options.RetryMode,
            MaxErrorRetry = options.MaxRetries,
            Timeout = options.RequestTimeout,
            ConnectTimeout = options.ConnectTimeout,
        };

        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl;
            // A custom endpoint still signs requests for a region; S3-compatible servers accept us-east-1.
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        if (!options.UseChunkEncoding)
        {
            // Without this, SDK 4.x adds trailing CRC checksums, which forces aws-chunked framing that some
            // S3-compatible servers keep inside the stored object.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        try
        {
            return options.Profile is null
                ? new AmazonS3Client(config)
                : new AmazonS3Client(ProfileCredentials(options), config);
        }
        catch (AmazonClientException e) when (options.Region is null && options.ServiceUrl is null)
        {
            throw new MlNetBatchException(
                $"{S3StorageOptions.SectionName}: no AWS region is configured. Set Region (or ServiceUrl for an S3-compatible service), the AWS_REGION environment variable, or a region in the AWS profile.",
                e);
        }
    }

    public static string DescribeEndpoint(S3StorageOptions options) =>
        options.ServiceUrl ?? (options.Region is null ? "Amazon S3" : $"Amazon S3 in {options.Region}");

    private static AWSCredentials ProfileCredentials(S3StorageOptions options)
    {
        var profiles = options.ProfilesLocation is null ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(options.ProfilesLocation);
        if (!profiles.TryGetAWSCredentials(options.Profile, out var credentials))
        {
            var where = options.ProfilesLocation ?? "the shared AWS credentials and config files";
            throw new MlNetBatchException(
                $"{S3StorageOptions.SectionName}:Profile: the profile '{options.Profile}' was not found in {where}, or it holds no usable credentials.");
        }

        return credentials;
    }
}
