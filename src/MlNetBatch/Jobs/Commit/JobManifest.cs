namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The job-level record of committed partitions, kept as <c>_manifest.json</c> in the output directory. A re-run
/// skips a partition recorded here when its input, the model and the job's output-relevant settings are unchanged.
/// </summary>
public sealed class JobManifest
{
    /// <summary>The manifest layout version.</summary>
    public int Version { get; set; } = 2;

    /// <summary>The job that wrote the output.</summary>
    public string Job { get; set; } = string.Empty;

    /// <summary>Hash of the settings that shape the output (source, preprocessing, model bindings, sink columns).</summary>
    public string ConfigHash { get; set; } = string.Empty;

    /// <summary>SHA-256 of the model bytes.</summary>
    public string ModelHash { get; set; } = string.Empty;

    /// <summary>Committed partitions by partition id.</summary>
    public Dictionary<string, CommittedPartition> Partitions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Every file this job wrote in the output directory, or was about to write when the manifest was saved, by name
    /// relative to the directory. Recorded before a file is created, so after any crash this is the complete list
    /// of what the job may delete or overwrite; nothing else in the directory is ever touched.
    /// </summary>
    public List<string> Files { get; set; } = [];

    /// <summary>True once every partition of the last run was committed (and <c>_SUCCESS</c> written).</summary>
    public bool Complete { get; set; }
}
