using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;

namespace MlNetBatch.Storage.Azure;

/// <summary>
/// Builds the SDK clients from <see cref="AzureBlobStorageOptions"/>: one <see cref="BlobServiceClient"/> per endpoint,
/// reused for the life of the store so that connections and tokens are shared.
/// </summary>
internal sealed class BlobClientFactory
{
    private readonly AzureBlobStorageOptions _options;
    private readonly ILogger _logger;
    private readonly BlobClientOptions _clientOptions;
    // Set when a connection string or service URI fixes the endpoint (and so the account) for every location.
    private readonly BlobServiceClient? _configured;
    private readonly ConcurrentDictionary<string, BlobServiceClient> _byEndpoint = new(StringComparer.OrdinalIgnoreCase);
    // One credential for every account: DefaultAzureCredential caches its tokens per instance.
    private readonly Lazy<TokenCredential> _credential = new(() => new DefaultAzureCredential());

    public BlobClientFactory(AzureBlobStorageOptions options, ILogger logger, Action<BlobClientOptions>? customize = null)
    {
        _options = options;
        _logger = logger;
        _clientOptions = CreateClientOptions(options);
        customize?.Invoke(_clientOptions);
        var connectionString = ConnectionString(options, out var source);
        if (connectionString is not null)
        {
            try
            {
                _configured = new BlobServiceClient(connectionString, _clientOptions);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                // Not the exception's message: it may quote the connection string, key included.
                throw new MlNetBatchException($"The Azure Storage connection string from {source} is not valid; expected 'AccountName=…;AccountKey=…', 'BlobEndpoint=…;SharedAccessSignature=…' or 'UseDevelopmentStorage=true'.");
            }

            _logger.LogInformation("Azure Blob storage uses the connection string from {Source} for account {Account} at {Endpoint}",
                source, _configured.AccountName, BlobErrors.WithoutQuery(_configured.Uri));
        }
        else if (options.ServiceUri is { } serviceUri)
        {
            var sas = HasSasToken(serviceUri);
            _configured = sas
                ? new BlobServiceClient(serviceUri, _clientOptions)
                : new BlobServiceClient(serviceUri, _credential.Value, _clientOptions);
            _logger.LogInformation("Azure Blob storage uses {Credential} for account {Account} at {Endpoint}",
                sas ? "the SAS token of the service URI" : "DefaultAzureCredential", _configured.AccountName, BlobErrors.WithoutQuery(serviceUri));
        }
    }

    /// <summary>The configured endpoint, whose own URIs (path-style for Azurite) this store also serves.</summary>
    public Uri? ServiceUri => _options.ServiceUri ?? _configured?.Uri;

    /// <summary>The container client for an address, or a clear error when the configured connection is for another account.</summary>
    public BlobContainerClient Container(BlobAddress address) => Service(address).GetBlobContainerClient(address.ContainerName);

    /// <summary>The service client for an address's account.</summary>
    public BlobServiceClient Service(BlobAddress address)
    {
        if (_configured is not null)
        {
            if (!string.Equals(_configured.AccountName, address.Account, StringComparison.OrdinalIgnoreCase))
            {
                throw new StorageException(address.Location,
                    $"names storage account '{address.Account}', but the configured connection ({BlobErrors.WithoutQuery(_configured.Uri)}) is for account '{_configured.AccountName}'.");
            }

            return _configured;
        }

        var endpoint = address.Endpoint ?? new Uri($"https://{address.Account}.blob.core.windows.net");
        return _byEndpoint.GetOrAdd(endpoint.AbsoluteUri, static (_, state) =>
        {
            var (factory, uri) = state;
            factory._logger.LogInformation("Azure Blob storage uses DefaultAzureCredential at {Endpoint}", uri);
            return new BlobServiceClient(uri, factory._credential.Value, factory._clientOptions);
        }, (this, endpoint));
    }

    /// <summary>Whether a service URI carries a SAS token, which then signs every request instead of Entra ID.</summary>
    public static bool HasSasToken(Uri serviceUri) =>
        serviceUri.IsAbsoluteUri && serviceUri.Query.Contains("sig=", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="connectionString"/> parses, checked without sending anything.</summary>
    public static bool IsValidConnectionString(string connectionString)
    {
        try
        {
            _ = new BlobServiceClient(connectionString);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Parses <c>2021-12-02</c> (or the enum name <c>V2021_12_02</c>) into the SDK's service version.</summary>
    public static bool TryParseServiceVersion(string text, out BlobClientOptions.ServiceVersion version)
    {
        var name = text.Trim();
        name = name.StartsWith('V') || name.StartsWith('v') ? "V" + name[1..] : "V" + name;
        return Enum.TryParse(name.Replace('-', '_'), ignoreCase: false, out version) && Enum.IsDefined(version);
    }

    /// <summary>Maps the options onto the SDK's retry policy and API version.</summary>
    public static BlobClientOptions CreateClientOptions(AzureBlobStorageOptions options)
    {
        var clientOptions = !string.IsNullOrWhiteSpace(options.ServiceVersion) && TryParseServiceVersion(options.ServiceVersion, out var version)
            ? new BlobClientOptions(version)
            : new BlobClientOptions();
        clientOptions.Retry.Mode = options.RetryMode;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        clientOptions.Diagnostics.ApplicationId = "MlNetBatch";
        return clientOptions;
    }

    private static string? ConnectionString(AzureBlobStorageOptions options, out string source)
    {
        source = $"{AzureBlobStorageDefaults.SectionPath}:ConnectionString";
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return options.ConnectionString;
        }

        // An explicit endpoint means "use Entra ID (or its SAS) there": a stray variable must not silently redirect it.
        if (options.ServiceUri is not null || string.IsNullOrWhiteSpace(options.ConnectionStringEnvironmentVariable))
        {
            return null;
        }

        source = $"the environment variable {options.ConnectionStringEnvironmentVariable}";
        var value = Environment.GetEnvironmentVariable(options.ConnectionStringEnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
