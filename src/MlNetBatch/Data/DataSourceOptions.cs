namespace MlNetBatch.Data;

/// <summary>How a source reads its files. Bound from a job's <c>Source</c> section or passed to <c>LoadFrom…</c>.</summary>
public class DataSourceOptions
{
    /// <summary>The file format; when absent it is taken from the file extension.</summary>
    public DataFormatKind? Format { get; set; }

    /// <summary>
    /// An explicit schema, column name to type name (<c>float</c>, <c>long</c>, <c>string</c>, <c>float[16]</c>…).
    /// When set, only these columns are read, and values are converted to these types; with
    /// <see cref="InferOtherColumns"/>, these types override the inferred ones and the other columns are read too.
    /// </summary>
    public Dictionary<string, string>? Columns { get; set; }

    /// <summary>
    /// Whether the columns <see cref="Columns"/> does not list are inferred and read as well ("declare one, infer the
    /// rest"): the schema is the inferred one, in file order, with the listed columns' types replaced.
    /// </summary>
    /// <value>The default is <c>false</c>: <see cref="Columns"/>, when set, is the whole schema.</value>
    public bool InferOtherColumns { get; set; }

    /// <summary>The CSV field separator.</summary>
    /// <value>The default is a comma.</value>
    public char Separator { get; set; } = ',';

    /// <summary>Whether CSV files start with a header line naming the columns.</summary>
    /// <value>The default is <c>true</c>.</value>
    public bool HasHeader { get; set; } = true;

    /// <summary>
    /// Target size of one partition. A line-oriented file (CSV, JSON Lines) larger than this is split at about this
    /// size; a CSV file is then read once when partitions are planned, so that every partition starts at a record
    /// start, never inside a quoted field. Consecutive row groups of a Parquet file are grouped into one partition
    /// while their compressed size stays within it, as Spark's <c>maxPartitionBytes</c> does: a partition is one
    /// output file, and many small row groups would otherwise become as many small files, each paying for its own
    /// open, footer and commit.
    /// </summary>
    /// <value>The default is 64 MiB.</value>
    public long PartitionBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Parquet row groups per partition, whatever their size; when null (the default), row groups are grouped by
    /// <see cref="PartitionBytes"/>.
    /// </summary>
    /// <value>The default is null.</value>
    public int? RowGroupsPerPartition { get; set; }

    /// <summary>Rows decoded per chunk, the unit that flows to the pipeline: a Parquet row group is read this many rows at a time.</summary>
    /// <value>The default is 8192.</value>
    public int ChunkRows { get; set; } = 8192;

    /// <summary>Chunks decoded ahead of the consumer; bounds the memory a cursor holds.</summary>
    /// <value>The default is 2.</value>
    public int PrefetchChunks { get; set; } = 2;

    /// <summary>
    /// What a missing value means in a float or double column (and a null item in a float vector): an empty CSV field
    /// (or <c>NA</c>), a JSON null, or a JSON property that is absent. Integer and boolean columns have no missing value,
    /// so there it is always a bad record; in a text column it is an empty string. The text <c>NaN</c> is a value, not missing.
    /// </summary>
    /// <value>The default is <see cref="MissingValueHandling.NaN"/>: missing values are read as NaN.</value>
    public MissingValueHandling MissingValues { get; set; } = MissingValueHandling.NaN;

    /// <summary>
    /// Records (lines, for JSON Lines) sampled from the first file to infer a CSV or JSON Lines schema. Unreadable
    /// records count toward the sample but are skipped; they become bad records when the data is read.
    /// </summary>
    /// <value>The default is 1000.</value>
    public int InferenceSampleRows { get; set; } = 1000;

    /// <summary>Files per partition of a source that reads one row per file (<c>Images</c>), cut in listing order.</summary>
    /// <value>The default is 256.</value>
    public int FilesPerPartition { get; set; } = 256;

    /// <summary>
    /// How many files a cursor of a one-row-per-file source (<c>Images</c>) fetches at once: many small objects are read
    /// concurrently, since each read mostly waits on the store.
    /// </summary>
    /// <value>The default is 16.</value>
    public int FetchConcurrency { get; set; } = 16;

    /// <summary>
    /// The most bytes of files a cursor of a one-row-per-file source (<c>Images</c>) has fetched but not yet handed on;
    /// a file larger than this is still read, alone.
    /// </summary>
    /// <value>The default is 64 MiB.</value>
    public long MaxBytesInFlight { get; set; } = 64L << 20;

    /// <summary>Copies these options; the copy has its own <see cref="Columns"/>, so changing one leaves the other as it was.</summary>
    public DataSourceOptions Clone()
    {
        var copy = (DataSourceOptions)MemberwiseClone();
        copy.Columns = Columns is null ? null : new Dictionary<string, string>(Columns, Columns.Comparer);
        return copy;
    }
}
