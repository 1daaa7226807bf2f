using MlNetBatch.Data;
using MlNetBatch.Sinks.Parquet;

namespace MlNetBatch.Sinks;

/// <summary>Creates the writer for a format.</summary>
public static class RecordBatchWriters
{
    /// <summary>
    /// A writer of <paramref name="format"/> over <paramref name="stream"/> for <paramref name="columns"/>;
    /// <paramref name="parquet"/> sets up Parquet output (defaults when null) and is ignored by other formats.
    /// </summary>
    public static IRecordBatchWriter Create(DataFormatKind format, Stream stream, IReadOnlyList<SinkColumn> columns, ParquetSinkOptions? parquet = null) => format switch
    {
        DataFormatKind.Parquet => new ParquetBatchWriter(stream, columns, parquet),
        DataFormatKind.Csv => new CsvBatchWriter(stream, columns),
        DataFormatKind.JsonLines => new JsonLinesBatchWriter(stream, columns),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format."),
    };
}
