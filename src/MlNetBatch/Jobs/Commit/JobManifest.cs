namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The job-level record of committed partitions, kept as <c>_manifest.json</c> in the output directory. A re-run
/// skips a partition recorded here when its input, the model and the job's output-relevant settings are unchanged.
/// </summary>
public sealed class JobManifest
{
    /// <summary>The manifest layout version.</summary>
    public int Version { get; set; } = 4;

    /// <summary>The job that wrote the output.</summary>
    public string Job { get; set; } = string.Empty;

    /// <summary>Hash of the settings that shape the output (source, preprocessing, model bindings, sink columns).</summary>
    public string ConfigHash { get; set; } = string.Empty;

    /// <summary>SHA-256 of the model bytes.</summary>
    public string ModelHash { get; set; } = string.Empty;

    /// <summary>
    /// A hash of the partitions the run planned (ids, input versions, files): the shards of one job write
    /// <c>_SUCCESS</c> only when they all completed the same plan.
    /// </summary>
    public string PlanHash { get; set; } = string.Empty;

    /// <summary>
    /// The lease epoch of the run that wrote this manifest last. A run of a lower epoch, whose lease was taken over, may
    /// no longer write it. Manifests of version 3 and before read as 0.
    /// </summary>
    public long Epoch { get; set; }

    /// <summary>Committed partitions by partition id.</summary>
    public Dictionary<string, CommittedPartition> Partitions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Every file this job wrote in the output directory, or was about to write when the manifest was saved, by name
    /// relative to the directory. Recorded before a file is created, so after any crash this is the complete list
    /// of what the job may delete or overwrite; nothing else in the directory is ever touched.
    /// </summary>
    public List<string> Files { get; set; } = [];

    /// <summary>True once every partition the last run answered for (all, or its shard's share) was committed.</summary>
    public bool Complete { get; set; }

    /// <summary>The record of <paramref name="partition"/> committed to <paramref name="output"/> from the input it has now, or null.</summary>
    public CommittedPartition? Entry(MlNetBatch.Data.Partition partition, MlNetBatch.Storage.ObjectLocation output) =>
        Partitions.TryGetValue(partition.Id, out var entry)
        && entry.InputSize == partition.File.Size
        && entry.InputETag == partition.File.ETag
        && entry.Output == output.ToString()
            ? entry
            : null;
}
