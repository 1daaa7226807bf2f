using MlNetBatch.Data;

namespace MlNetBatch.Sinks;

/// <summary>Creates the writer for a format.</summary>
public static class RecordBatchWriters
{
    /// <summary>A writer of <paramref name="format"/> over <paramref name="stream"/> for <paramref name="columns"/>.</summary>
    public static IRecordBatchWriter Create(DataFormatKind format, Stream stream, IReadOnlyList<SinkColumn> columns) => format switch
    {
        DataFormatKind.Parquet => (IRecordBatchWriter?)DirectParquetBatchWriter.TryCreate(stream, columns) ?? new ParquetBatchWriter(stream, columns),
        DataFormatKind.Csv => new CsvBatchWriter(stream, columns),
        DataFormatKind.JsonLines => new JsonLinesBatchWriter(stream, columns),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format."),
    };
}
