using Azure.Core;

namespace MlNetBatch.Storage.Azure;

/// <summary>
/// How MlNetBatch connects to Azure Blob Storage; bound from <c>MlNetBatch:Storage:Azure</c>.
/// </summary>
/// <remarks>
/// Credentials are chosen in this order: <see cref="ConnectionString"/>; then, when neither it nor
/// <see cref="ServiceUri"/> is set, the environment variable named by <see cref="ConnectionStringEnvironmentVariable"/>;
/// otherwise <c>DefaultAzureCredential</c> (environment, workload or managed identity, Azure CLI…) against
/// <see cref="ServiceUri"/> or <c>https://{account}.blob.core.windows.net</c>. A <see cref="ServiceUri"/> that carries a
/// SAS token (<c>?sv=…&amp;sig=…</c>) is used with that token instead.
/// </remarks>
public sealed class AzureBlobStorageOptions
{
    /// <summary>An Azure Storage connection string (account key or SAS); a secret, so keep it out of files under source control.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The environment variable holding a connection string, read when no connection string or service URI is configured.</summary>
    /// <value>The default is <c>AZURE_STORAGE_CONNECTION_STRING</c>; empty turns the fallback off.</value>
    public string? ConnectionStringEnvironmentVariable { get; set; } = AzureBlobStorageDefaults.ConnectionStringEnvironmentVariable;

    /// <summary>
    /// The Blob service endpoint, replacing <c>https://{account}.blob.core.windows.net</c>: a private endpoint, a sovereign
    /// cloud, or Azurite's <c>http://127.0.0.1:10000/devstoreaccount1</c>. Requests are signed by
    /// <c>DefaultAzureCredential</c>, which needs https://, or by a SAS token in the URI's query. For Azurite with its
    /// account key, use a <see cref="ConnectionString"/> with <c>BlobEndpoint=</c> instead.
    /// </summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>The size of each block staged on upload and of each ranged download.</summary>
    /// <value>The default is 8 MiB; between 64 KiB and 256 MiB.</value>
    public int BlockSizeBytes { get; set; } = AzureBlobStorageDefaults.BlockSizeBytes;

    /// <summary>How many bytes a sequential reader fetches ahead of the one it is consuming; 0 turns read-ahead off.</summary>
    /// <value>The default is 16 MiB.</value>
    public int ReadAheadBytes { get; set; } = AzureBlobStorageDefaults.ReadAheadBytes;

    /// <summary>How the delay between retries grows: <c>Exponential</c> or <c>Fixed</c>.</summary>
    /// <value>The default is <c>Exponential</c>.</value>
    public RetryMode RetryMode { get; set; } = RetryMode.Exponential;

    /// <summary>How many times a request that failed transiently (timeout, 5xx, 429, connection lost) is retried.</summary>
    /// <value>The default is 3.</value>
    public int MaxRetries { get; set; } = AzureBlobStorageDefaults.MaxRetries;

    /// <summary>The delay before the first retry.</summary>
    /// <value>The default is 0.8 seconds.</value>
    public TimeSpan RetryDelay { get; set; } = AzureBlobStorageDefaults.RetryDelay;

    /// <summary>The longest delay between two retries.</summary>
    /// <value>The default is one minute.</value>
    public TimeSpan MaxRetryDelay { get; set; } = AzureBlobStorageDefaults.MaxRetryDelay;

    /// <summary>How long one request may take, including reading its response, before it is abandoned and retried.</summary>
    /// <value>The default is 100 seconds.</value>
    public TimeSpan NetworkTimeout { get; set; } = AzureBlobStorageDefaults.NetworkTimeout;

    /// <summary>
    /// Pins the REST API version (for example <c>2021-12-02</c>) for a server that does not accept the SDK's newest one,
    /// such as an older Azurite or Azure Stack; empty uses the SDK's default.
    /// </summary>
    public string? ServiceVersion { get; set; }
}
