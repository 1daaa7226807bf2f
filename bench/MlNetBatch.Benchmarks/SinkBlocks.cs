using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Sinks;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// Scored rows held as the blocks a job's sink receives, so that writing them measures the sink's own cost: no
/// getters, no reading, no scoring.
/// </summary>
internal sealed class SinkBlocks
{
    private readonly List<RecordBatch> _batches = [];
    private readonly IReadOnlyList<SinkColumn> _columns;

    public SinkBlocks(IDataView view, IReadOnlyList<string> columns)
    {
        _columns = DataViewWriter.SelectColumns(view.Schema, columns);
        var active = new bool[view.Schema.Count];
        foreach (var column in _columns)
        {
            active[column.SourceIndex] = true;
        }

        var pool = new RecordBatchPool(view.Schema, active, DataViewWriter.DefaultBlockRows);
        using var cursor = view.GetRowCursor(_columns.Select(c => view.Schema[c.SourceIndex]));
        var batch = pool.Rent();
        var copiers = _columns.Select(c => batch.Columns[c.SourceIndex]!.CreateCopier(cursor, view.Schema[c.SourceIndex])).ToArray();
        while (cursor.MoveNext())
        {
            foreach (var copy in copiers)
            {
                copy(batch.RowCount);
            }

            if (++batch.RowCount == DataViewWriter.DefaultBlockRows)
            {
                _batches.Add(batch);
                batch = pool.Rent();
                copiers = _columns.Select(c => batch.Columns[c.SourceIndex]!.CreateCopier(cursor, view.Schema[c.SourceIndex])).ToArray();
            }
        }

        _batches.Add(batch);
    }

    /// <summary>
    /// Writes every block to one Parquet file, as a job's sink does for a partition; or, for comparison, through
    /// Parquet.Net's writer.
    /// </summary>
    public void WriteParquet(string path, bool withParquetNet = false)
    {
        using var stream = File.Create(path);
        if (withParquetNet)
        {
            ParquetNetBlockWriter.WriteAsync(stream, _columns, _batches).GetAwaiter().GetResult();
            return;
        }

        var writer = RecordBatchWriterRegistry.Default.Create(DataFormatKind.Parquet, stream, _columns);
        try
        {
            foreach (var batch in _batches)
            {
                writer.WriteAsync(batch, CancellationToken.None).GetAwaiter().GetResult();
            }

            writer.CompleteAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
