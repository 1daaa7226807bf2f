using MlNetBatch.Data;

namespace MlNetBatch.Sinks;

/// <summary>How to make the writer of one output format.</summary>
/// <param name="Kind">
/// The format written. Its output files take the first extension of the <see cref="Formats.DataFormatRegistration"/> of
/// the same kind, so a format a job writes is registered with both.
/// </param>
/// <param name="Create">
/// Makes a writer over a stream for the given columns; the <see cref="ParquetSinkOptions"/> (null for defaults) only
/// concern Parquet writers.
/// </param>
public sealed record RecordBatchWriterRegistration(
    DataFormatKind Kind, Func<Stream, IReadOnlyList<SinkColumn>, ParquetSinkOptions?, IRecordBatchWriter> Create);
