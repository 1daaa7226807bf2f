using MlNetBatch.Data;

namespace MlNetBatch.Sinks;

/// <summary>Creates writers of the built-in formats (<see cref="RecordBatchWriterRegistry.Default"/>).</summary>
public static class RecordBatchWriters
{
    /// <summary>
    /// A writer of <paramref name="format"/> over <paramref name="stream"/> for <paramref name="columns"/>;
    /// <paramref name="parquet"/> sets up Parquet output (defaults when null) and is ignored by other formats.
    /// </summary>
    public static IRecordBatchWriter Create(DataFormatKind format, Stream stream, IReadOnlyList<SinkColumn> columns, ParquetSinkOptions? parquet = null) =>
        RecordBatchWriterRegistry.Default.Create(format, stream, columns, parquet);
}
