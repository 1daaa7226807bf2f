using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace MlNetBatch.Storage.Azure;

/// <summary>Checks <see cref="AzureBlobStorageOptions"/> at start-up and reports every problem, each with its configuration path.</summary>
public sealed class AzureBlobStorageOptionsValidator : IValidateOptions<AzureBlobStorageOptions>
{
    private const string Path = AzureBlobStorageDefaults.SectionPath;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AzureBlobStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new ValidateOptionsResultBuilder();
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (options.ServiceUri is not null)
            {
                failures.AddError($"{Path}:ConnectionString and {Path}:ServiceUri cannot both be set: a connection string names its own endpoint (BlobEndpoint=…).");
            }

            // The connection string's own text is never repeated in a message: it holds the account key.
            if (!BlobClientFactory.IsValidConnectionString(options.ConnectionString))
            {
                failures.AddError($"{Path}:ConnectionString is not a valid Azure Storage connection string; expected 'DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…', 'BlobEndpoint=…;SharedAccessSignature=…' or 'UseDevelopmentStorage=true'.");
            }
        }

        if (options.ServiceUri is { } serviceUri
            && (!serviceUri.IsAbsoluteUri || (serviceUri.Scheme != Uri.UriSchemeHttps && serviceUri.Scheme != Uri.UriSchemeHttp)))
        {
            failures.AddError($"{Path}:ServiceUri must be an absolute http:// or https:// URI such as https://myaccount.blob.core.windows.net or http://127.0.0.1:10000/devstoreaccount1 (it is {(serviceUri.IsAbsoluteUri ? $"an {serviceUri.Scheme}:// URI" : "a relative URI")}).");
        }

        else if (options.ServiceUri is { Scheme: "http" } plainUri && string.IsNullOrWhiteSpace(options.ConnectionString) && !BlobClientFactory.HasSasToken(plainUri))
        {
            failures.AddError($"{Path}:ServiceUri '{BlobErrors.WithoutQuery(plainUri)}' is plain http:// without a SAS token, and Microsoft Entra ID (DefaultAzureCredential) needs https://; add a SAS token (?sv=…&sig=…) or set a connection string instead (for Azurite: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=…;BlobEndpoint={BlobErrors.WithoutQuery(plainUri)};').");
        }

        if (options.BlockSizeBytes is < AzureBlobStorageDefaults.MinBlockSizeBytes or > AzureBlobStorageDefaults.MaxBlockSizeBytes)
        {
            failures.AddError($"{Path}:BlockSizeBytes must be between {AzureBlobStorageDefaults.MinBlockSizeBytes} (64 KiB) and {AzureBlobStorageDefaults.MaxBlockSizeBytes} (256 MiB); it is {options.BlockSizeBytes}.");
        }

        if (options.ReadAheadBytes is < 0 or > AzureBlobStorageDefaults.MaxReadAheadBytes)
        {
            failures.AddError($"{Path}:ReadAheadBytes must be between 0 (no read-ahead) and {AzureBlobStorageDefaults.MaxReadAheadBytes} (1 GiB); it is {options.ReadAheadBytes}.");
        }

        if (!Enum.IsDefined(options.RetryMode))
        {
            failures.AddError($"{Path}:RetryMode must be Exponential or Fixed; it is {options.RetryMode}.");
        }

        if (options.MaxRetries is < 0 or > AzureBlobStorageDefaults.MaxMaxRetries)
        {
            failures.AddError($"{Path}:MaxRetries must be between 0 and {AzureBlobStorageDefaults.MaxMaxRetries}; it is {options.MaxRetries}.");
        }

        if (options.RetryDelay <= TimeSpan.Zero)
        {
            failures.AddError($"{Path}:RetryDelay must be greater than zero; it is {options.RetryDelay}.");
        }

        if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.AddError($"{Path}:MaxRetryDelay must be at least RetryDelay ({options.RetryDelay}); it is {options.MaxRetryDelay}.");
        }

        if (options.NetworkTimeout <= TimeSpan.Zero)
        {
            failures.AddError($"{Path}:NetworkTimeout must be greater than zero; it is {options.NetworkTimeout}.");
        }

        if (!string.IsNullOrWhiteSpace(options.ServiceVersion) && !BlobClientFactory.TryParseServiceVersion(options.ServiceVersion, out _))
        {
            failures.AddError($"{Path}:ServiceVersion '{options.ServiceVersion}' is not a Blob service version this SDK knows; use a date such as 2021-12-02 (the newest is {Newest()}).");
        }

        return failures.Build();
    }

    private static string Newest() =>
        Enum.GetValues<BlobClientOptions.ServiceVersion>().Max().ToString()[1..].Replace('_', '-');
}
