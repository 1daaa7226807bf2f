using MlNetBatch.Data;

namespace MlNetBatch.Sinks;

/// <summary>Encodes batches of rows into one output file of some format.</summary>
public interface IRecordBatchWriter : IAsyncDisposable
{
    /// <summary>Appends the batch's rows.</summary>
    Task WriteAsync(RecordBatch batch, CancellationToken cancellationToken);

    /// <summary>Writes whatever closes the file (a Parquet footer); the stream then holds a complete file.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
