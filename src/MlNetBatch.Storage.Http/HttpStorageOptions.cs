namespace MlNetBatch.Storage.Http;

/// <summary>How MlNetBatch reads files served over plain HTTP(S); bound from <c>MlNetBatch:Storage:Http</c>.</summary>
public sealed class HttpStorageOptions : RangedReadOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "MlNetBatch:Storage:Http";

    /// <summary>Retries of a request that failed transiently (connection errors, timeouts, 408, 429, 5xx), with exponential backoff.</summary>
    /// <value>The default is 3; from 0 to 20.</value>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The delay before the first retry; later retries wait exponentially longer, with jitter.</summary>
    /// <value>The default is 200 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Request headers sent with every request, such as <c>Authorization: Bearer …</c>. Set secret ones from the
    /// environment (<c>MlNetBatch__Storage__Http__Headers__Authorization</c>, the service's environment file), not in a
    /// file; their values never appear in messages or logs.
    /// </summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
