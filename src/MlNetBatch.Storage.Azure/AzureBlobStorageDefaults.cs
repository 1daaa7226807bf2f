namespace MlNetBatch.Storage.Azure;

/// <summary>The default values of <see cref="AzureBlobStorageOptions"/>, and the limits they are validated against.</summary>
public static class AzureBlobStorageDefaults
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionPath = "MlNetBatch:Storage:Azure";

    /// <summary>The environment variable read for a connection string when none is configured.</summary>
    public const string ConnectionStringEnvironmentVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>8 MiB: large enough that a 50,000-block blob holds 390 GiB, small enough to buffer two per writer.</summary>
    public const int BlockSizeBytes = 8 << 20;

    /// <summary>The smallest block size accepted: smaller blocks make one request per few rows.</summary>
    public const int MinBlockSizeBytes = 64 << 10;

    /// <summary>The largest block size accepted: each writer and reader holds up to two blocks in memory.</summary>
    public const int MaxBlockSizeBytes = 256 << 20;

    /// <summary>16 MiB: two blocks fetched ahead of a sequential reader.</summary>
    public const int ReadAheadBytes = 16 << 20;

    /// <summary>The largest read-ahead accepted per open stream.</summary>
    public const int MaxReadAheadBytes = 1 << 30;

    /// <summary>Three retries, as the Azure SDK does by default.</summary>
    public const int MaxRetries = 3;

    /// <summary>The most retries accepted: beyond that a dead endpoint stalls a job for hours.</summary>
    public const int MaxMaxRetries = 20;

    /// <summary>The most blocks the service accepts in one block blob.</summary>
    public const int MaxBlocksPerBlob = 50_000;

    /// <summary>0.8 s before the first retry, doubling after each with the exponential mode.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(0.8);

    /// <summary>One minute at most between retries.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>100 s for one request, including reading its response body.</summary>
    public static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(100);
}
