using MlNetBatch.Data;
using MlNetBatch.Sinks;

namespace MlNetBatch.Jobs;

/// <summary>A job's output: a directory that receives one file per partition.</summary>
public sealed class SinkDefinition
{
    /// <summary>The output directory (relative paths are resolved against the worker's content root).</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The output format, by name: <c>Parquet</c>, <c>Csv</c>, <c>JsonLines</c> or a registered format's (ignoring case).</summary>
    /// <value>The default is Parquet.</value>
    public DataFormatKind Format { get; set; } = DataFormatKind.Parquet;

    /// <summary>
    /// The columns to write, from the input (for example an id) and the model outputs. When empty: every input
    /// column followed by every model output.
    /// </summary>
    public List<string> Columns { get; set; } = [];

    /// <summary>
    /// How Parquet output is stored: <c>Compression</c> (Snappy by default, Zstd common), <c>CompressionLevel</c>,
    /// <c>RowGroupRows</c> and <c>RowGroupBytes</c>. Only for <see cref="DataFormatKind.Parquet"/> output.
    /// </summary>
    public ParquetSinkOptions Parquet { get; set; } = new();
}
