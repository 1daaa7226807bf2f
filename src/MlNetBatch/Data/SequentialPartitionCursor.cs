using System.Collections.Concurrent;

namespace MlNetBatch.Data;

/// <summary>
/// Serves rows of the partitions it takes from a queue, decoding each chunk on the consumer's thread when the
/// consumer asks for it: no background task and no hand-off. A job uses it when it already runs a partition per
/// core, so that reading, scoring and writing a partition cost only their own processor time.
/// </summary>
internal sealed class SequentialPartitionCursor : BlockRowCursor
{
    private readonly PartitionedDataView _view;
    private readonly bool[] _active;
    private readonly ConcurrentQueue<Partition> _partitions;
    private readonly RecordBatchPool _pool;
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;
    private Partition? _partition;
    private IAsyncEnumerator<RecordBatch>? _chunks;
    // The read stage of the job run this cursor reads for; null outside a run.
    private readonly Diagnostics.StageMeter? _meter = Diagnostics.RunTelemetry.Current?.Read;

    public SequentialPartitionCursor(PartitionedDataView view, bool[] active, ConcurrentQueue<Partition> partitions)
        : base(view.Schema, active)
    {
        _view = view;
        _active = active;
        _partitions = partitions;
        _pool = view.Source.PoolFor(view.Schema, active);
    }

    internal override bool RunsOnConsumerThread => true;

    internal override BadRecords.IBadRecordSink? BadRecordSink => _view.Source.BadRecords;

    internal override ReadStatistics? RowStatistics => _view.Source.Statistics;

    protected override bool TryTakeNextBatch(out RecordBatch batch)
    {
        // On the consumer's thread: the span keeps the reading out of the time of the stage that asked for it.
        var span = Diagnostics.StageClock.Begin(_meter);
        var rows = 0;
        try
        {
            var found = TryDecodeNextBatch(out batch);
            rows = found ? batch.RowCount : 0;
            return found;
        }
        finally
        {
            Diagnostics.StageClock.End(span, rows);
        }
    }

    private bool TryDecodeNextBatch(out RecordBatch batch)
    {
        while (true)
        {
            if (_chunks is null)
            {
                if (!_partitions.TryDequeue(out var partition))
                {
                    batch = null!;
                    return false;
                }

                _partition = partition;
                _chunks = _view.Source.Format.ReadAsync(_view.ContextFor(partition, _active, _pool), _stop.Token).GetAsyncEnumerator(_stop.Token);
            }

            if (Wait(_chunks.MoveNextAsync()))
            {
                batch = _chunks.Current;
                batch.Partition = _partition;
                Jobs.Observation.JobObserver.Reach(Jobs.Observation.JobPoint.DuringRead);
                return true;
            }

            Wait(_chunks.DisposeAsync());
            _chunks = null;
        }
    }

    protected override void ReleaseBatch(RecordBatch batch) => _pool.Return(batch);

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            try
            {
                if (_chunks is not null)
                {
                    Wait(_chunks.DisposeAsync());
                }
            }
            catch (Exception)
            {
                // Closing a reader only releases it; a failure of the read itself was already thrown to the consumer,
                // and one here must not hide it or keep the batch below from going back to the pool.
            }
            finally
            {
                _stop.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    // Local reads complete synchronously; only a remote read that has to wait blocks the thread.
    private static bool Wait(ValueTask<bool> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private static void Wait(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }
}
