namespace MlNetBatch.Data;

/// <summary>How a source reads its files. Bound from a job's <c>Source</c> section or passed to <c>LoadFrom…</c>.</summary>
public class DataSourceOptions
{
    /// <summary>The file format; when absent it is taken from the file extension.</summary>
    public DataFormatKind? Format { get; set; }

    /// <summary>
    /// An explicit schema, column name to type name (<c>float</c>, <c>long</c>, <c>string</c>, <c>float[16]</c>…).
    /// When set, only these columns are read, and values are converted to these types.
    /// </summary>
    public Dictionary<string, string>? Columns { get; set; }

    /// <summary>The CSV field separator.</summary>
    /// <value>The default is a comma.</value>
    public char Separator { get; set; } = ',';

    /// <summary>Whether CSV files start with a header line naming the columns.</summary>
    /// <value>The default is <c>true</c>.</value>
    public bool HasHeader { get; set; } = true;

    /// <summary>Target size of one partition of a line-oriented file (CSV, JSON Lines).</summary>
    /// <value>The default is 64 MiB.</value>
    public long PartitionBytes { get; set; } = 64L << 20;

    /// <summary>Parquet row groups per partition.</summary>
    /// <value>The default is 1.</value>
    public int RowGroupsPerPartition { get; set; } = 1;

    /// <summary>Rows decoded per chunk of a line-oriented file.</summary>
    /// <value>The default is 8192.</value>
    public int ChunkRows { get; set; } = 8192;

    /// <summary>Chunks decoded ahead of the consumer; bounds the memory a cursor holds.</summary>
    /// <value>The default is 2.</value>
    public int PrefetchChunks { get; set; } = 2;

    /// <summary>Lines sampled from the first file to infer a CSV or JSON Lines schema.</summary>
    /// <value>The default is 1000.</value>
    public int InferenceSampleRows { get; set; } = 1000;

    /// <summary>Copies these options.</summary>
    public DataSourceOptions Clone() => (DataSourceOptions)MemberwiseClone();
}
