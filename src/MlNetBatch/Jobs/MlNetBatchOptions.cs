namespace MlNetBatch.Jobs;

/// <summary>The <c>MlNetBatch</c> configuration section: the job definitions.</summary>
public sealed class MlNetBatchOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "MlNetBatch";

    /// <summary>Job definitions by job name.</summary>
    public Dictionary<string, JobDefinition> Jobs { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
