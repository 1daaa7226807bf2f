using System.Threading.Channels;
using Microsoft.ML;
using MlNetBatch.Data;

namespace MlNetBatch.Sinks;

/// <summary>
/// Copies a data view's rows into batches on a thread of its own and hands each full batch over through a bounded
/// channel. A cursor waits synchronously on its background readers; on this thread that wait blocks no thread-pool
/// thread, so the writer stays async end to end, and copying overlaps with encoding.
/// </summary>
internal sealed class CursorBatchProducer
{
    // One filled batch waits while the next is filled and the previous one is written: three batches at most.
    private readonly Channel<RecordBatch> _filled = Channel.CreateBounded<RecordBatch>(
        new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });

    private readonly RecordBatchPool _pool;
    private readonly IReadOnlyList<SinkColumn> _columns;

    private CursorBatchProducer(IDataView view, IReadOnlyList<SinkColumn> columns, int blockRows, CancellationToken cancellationToken)
    {
        var active = new bool[view.Schema.Count];
        foreach (var column in columns)
        {
            active[column.SourceIndex] = true;
        }

        _pool = new RecordBatchPool(view.Schema, active, blockRows);
        _columns = columns;
        Completion = Task.Factory.StartNew(
            () => Produce(view, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Full batches, then the last (possibly empty) one; give each back with <see cref="Return"/> once written.</summary>
    public ChannelReader<RecordBatch> Batches => _filled.Reader;

    /// <summary>Ends when the cursor is disposed; faults with the cursor's failure.</summary>
    public Task Completion { get; }

    /// <summary>Starts copying <paramref name="columns"/> of <paramref name="view"/>; cancel to stop early.</summary>
    public static CursorBatchProducer Start(IDataView view, IReadOnlyList<SinkColumn> columns, int blockRows, CancellationToken cancellationToken) =>
        new(view, columns, blockRows, cancellationToken);

    /// <summary>Gives a written batch back for reuse.</summary>
    public void Return(RecordBatch batch) => _pool.Return(batch);

    private void Produce(IDataView view, CancellationToken cancellationToken)
    {
        try
        {
            using var cursor = view.GetRowCursor(_columns.Select(c => view.Schema[c.SourceIndex]));
            var last = cursor is BlockRowCursor blocks ? CopyBlocks(blocks, cancellationToken) : CopyRows(cursor, view.Schema, cancellationToken);
            HandOver(last, cancellationToken);
        }
        finally
        {
            _filled.Writer.TryComplete();
        }
    }

    /// <summary>MlNetBatch's own cursors hand over whole blocks: columns are copied in bulk, no getter per value.</summary>
    private RecordBatch CopyBlocks(BlockRowCursor blocks, CancellationToken cancellationToken)
    {
        var batch = _pool.Rent();
        var rows = 0;
        while (blocks.TryTakeBlock(out var block, out var start, out var count))
        {
            while (count > 0)
            {
                var take = Math.Min(count, _pool.Rows - rows);
                foreach (var column in _columns)
                {
                    batch.Columns[column.SourceIndex]!.CopyRows(block.Columns[column.SourceIndex]!, start, rows, take);
                }

                rows += take;
                start += take;
                count -= take;
                if (rows == _pool.Rows)
                {
                    batch.RowCount = rows;
                    HandOver(batch, cancellationToken);
                    batch = _pool.Rent();
                    rows = 0;
                }
            }
        }

        batch.RowCount = rows;
        return batch;
    }

    private RecordBatch CopyRows(DataViewRowCursor cursor, DataViewSchema schema, CancellationToken cancellationToken)
    {
        // A copier writes into the batch it was made for; the few batches in circulation each keep theirs.
        var copiersByBatch = new Dictionary<RecordBatch, Action<int>[]>(ReferenceEqualityComparer.Instance);
        Action<int>[] CopiersFor(RecordBatch batch)
        {
            if (!copiersByBatch.TryGetValue(batch, out var copiers))
            {
                copiers = _columns.Select(c => batch.Columns[c.SourceIndex]!.CreateCopier(cursor, schema[c.SourceIndex])).ToArray();
                copiersByBatch.Add(batch, copiers);
            }

            return copiers;
        }

        var batch = _pool.Rent();
        var copiers = CopiersFor(batch);
        var rows = 0;
        while (cursor.MoveNext())
        {
            for (var c = 0; c < copiers.Length; c++)
            {
                copiers[c](rows);
            }

            if (++rows == _pool.Rows)
            {
                batch.RowCount = rows;
                HandOver(batch, cancellationToken);
                batch = _pool.Rent();
                copiers = CopiersFor(batch);
                rows = 0;
            }
        }

        batch.RowCount = rows;
        return batch;
    }

    /// <summary>Waits, on this thread, for room in the channel; a stopped writer cancels the wait.</summary>
    private void HandOver(RecordBatch batch, CancellationToken cancellationToken)
    {
        while (!_filled.Writer.TryWrite(batch))
        {
            if (!_filled.Writer.WaitToWriteAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                return;
            }
        }
    }
}
