namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The job-level record of committed partitions, kept as <c>_manifest.json</c> in the output directory. A re-run
/// skips a partition recorded here when its input, the model and the job's output-relevant settings are unchanged.
/// </summary>
public sealed class JobManifest
{
    /// <summary>The manifest layout version.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The job that wrote the output.</summary>
    public string Job { get; set; } = string.Empty;

    /// <summary>Hash of the settings that shape the output (source, preprocessing, model bindings, sink columns).</summary>
    public string ConfigHash { get; set; } = string.Empty;

    /// <summary>SHA-256 of the model bytes.</summary>
    public string ModelHash { get; set; } = string.Empty;

    /// <summary>Committed partitions by partition id.</summary>
    public Dictionary<string, CommittedPartition> Partitions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>True once every partition of the last run was committed (and <c>_SUCCESS</c> written).</summary>
    public bool Complete { get; set; }
}

/// <summary>One committed partition: what was read and what was written.</summary>
public sealed class CommittedPartition
{
    /// <summary>The input file's size when it was read.</summary>
    public long InputSize { get; set; }

    /// <summary>The input file's version tag when it was read.</summary>
    public string InputETag { get; set; } = string.Empty;

    /// <summary>The output file holding the partition's scores.</summary>
    public string Output { get; set; } = string.Empty;

    /// <summary>The quarantine file of the partition's bad records, if it had any.</summary>
    public string? Quarantine { get; set; }

    /// <summary>Rows read.</summary>
    public long RowsIn { get; set; }

    /// <summary>Rows written.</summary>
    public long RowsOut { get; set; }

    /// <summary>Rows set aside in the quarantine.</summary>
    public long BadRows { get; set; }

    /// <summary>When the partition was committed.</summary>
    public DateTimeOffset CommittedAt { get; set; }
}
