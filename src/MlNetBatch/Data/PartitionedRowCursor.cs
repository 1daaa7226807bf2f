using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace MlNetBatch.Data;

/// <summary>
/// Serves rows of the partitions it takes from a shared queue. A background task decodes chunks into a
/// bounded channel, so reading overlaps whatever the consumer does with the rows, and back-pressure
/// stops the reader when the consumer falls behind.
/// </summary>
internal sealed class PartitionedRowCursor : BlockRowCursor
{
    private readonly Channel<RecordBatch> _chunks;
    private readonly RecordBatchPool _pool;
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;
    private readonly Task _producer;
    private ExceptionDispatchInfo? _failure;
    private readonly PartitionedDataSource _source;

    public PartitionedRowCursor(PartitionedDataView view, bool[] active, ConcurrentQueue<Partition> partitions)
        : base(view.Schema, active)
    {
        var source = view.Source;
        _source = source;
        _pool = source.PoolFor(view.Schema, active);
        _chunks = Channel.CreateBounded<RecordBatch>(new BoundedChannelOptions(source.Options.PrefetchChunks)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        _producer = Task.Run(() => ProduceAsync(view, active, partitions, _stop.Token));
    }

    internal override BadRecords.IBadRecordSink? BadRecordSink => _source.BadRecords;

    internal override ReadStatistics? RowStatistics => _source.Statistics;

    protected override bool TryTakeNextBatch(out RecordBatch batch)
    {
        while (true)
        {
            if (_chunks.Reader.TryRead(out batch!))
            {
                return true;
            }

            bool more;
            try
            {
                more = _chunks.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception) when (_failure is not null)
            {
                more = false;
            }

            if (!more)
            {
                _failure?.Throw();
                return false;
            }
        }
    }

    protected override void ReleaseBatch(RecordBatch batch) => _pool.Return(batch);

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            // Drain so a producer blocked on a full channel can observe the cancellation and finish.
            while (_chunks.Reader.TryRead(out var batch))
            {
                _pool.Return(batch);
            }

            try
            {
                _producer.Wait(TimeSpan.FromSeconds(30));
            }
            catch (AggregateException)
            {
                // The failure, if any, was already reported to the consumer.
            }

            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task ProduceAsync(PartitionedDataView view, bool[] active, ConcurrentQueue<Partition> partitions, CancellationToken cancellationToken)
    {
        try
        {
            while (partitions.TryDequeue(out var partition))
            {
                await foreach (var batch in view.Source.Format.ReadAsync(view.ContextFor(partition, active, _pool), cancellationToken).ConfigureAwait(false))
                {
                    batch.Partition = partition;
                    Jobs.Observation.JobObserver.Reach(Jobs.Observation.JobPoint.DuringRead);
                    await _chunks.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                }
            }

            _chunks.Writer.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _chunks.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
            _chunks.Writer.TryComplete(e);
        }
    }
}
