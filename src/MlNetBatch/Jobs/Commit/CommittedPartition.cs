namespace MlNetBatch.Jobs.Commit;

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

    /// <summary>Missing numbers read as NaN (the source's <c>MissingValues</c> allows them).</summary>
    public long MissingValues { get; set; }

    /// <summary>The lease epoch of the run that committed the partition (0 for records written before epochs existed).</summary>
    public long Epoch { get; set; }

    /// <summary>When the partition was committed.</summary>
    public DateTimeOffset CommittedAt { get; set; }
}
