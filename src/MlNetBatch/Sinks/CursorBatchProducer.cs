using System.Threading.Channels;
using Microsoft.ML;
using MlNetBatch.Data;

namespace MlNetBatch.Sinks;

/// <summary>
/// Fills batches from a data view's cursor (see <see cref="CursorBatchFiller"/>) on a thread of its own and hands
/// each over through a bounded channel. A pipelined cursor waits synchronously on its background readers; on this
/// thread that wait blocks no thread-pool thread, so the writer stays async end to end.
/// </summary>
internal sealed class CursorBatchProducer : Diagnostics.IQueueProbe
{
    // One filled batch waits while the next is filled and the previous one is written: three batches at most.
    private readonly Channel<RecordBatch> _filled = Channel.CreateBounded<RecordBatch>(
        new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });

    private readonly RecordBatchPool _pool;
    // The write stage of the job run this producer writes for; null outside a run.
    private readonly Diagnostics.StageMeter? _meter = Diagnostics.RunTelemetry.Current?.Write;

    private CursorBatchProducer(IDataView view, IReadOnlyList<SinkColumn> columns, int blockRows, CancellationToken cancellationToken)
    {
        _pool = CursorBatchFiller.CreatePool(view.Schema, columns, blockRows);
        Completion = Task.Factory.StartNew(
            () => Produce(view, columns, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Full batches, then the last (possibly empty) one; give each back with <see cref="Return"/> once written.</summary>
    public ChannelReader<RecordBatch> Batches => _filled.Reader;

    /// <summary>Ends when the cursor is disposed; faults with the cursor's failure.</summary>
    public Task Completion { get; }

    int Diagnostics.IQueueProbe.Depth => _filled.Reader.Count;

    int Diagnostics.IQueueProbe.Capacity => 1;

    /// <summary>Starts copying <paramref name="columns"/> of <paramref name="view"/>; cancel to stop early.</summary>
    public static CursorBatchProducer Start(IDataView view, IReadOnlyList<SinkColumn> columns, int blockRows, CancellationToken cancellationToken) =>
        new(view, columns, blockRows, cancellationToken);

    /// <summary>Gives a written batch back for reuse.</summary>
    public void Return(RecordBatch batch) => _pool.Return(batch);

    private void Produce(IDataView view, IReadOnlyList<SinkColumn> columns, CancellationToken cancellationToken)
    {
        _meter?.Watch(this);
        try
        {
            using var cursor = view.GetRowCursor(columns.Select(c => view.Schema[c.SourceIndex]));
            foreach (var batch in Diagnostics.StageClock.Spans(new CursorBatchFiller(cursor, view.Schema, columns, _pool).Fill(), _meter))
            {
                // Waits on this thread for room in the channel; a stopped writer cancels the wait.
                while (!_filled.Writer.TryWrite(batch))
                {
                    if (!_filled.Writer.WaitToWriteAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            _meter?.Forget(this);
            _filled.Writer.TryComplete();
        }
    }
}
