using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace MlNetBatch.Data;

/// <summary>
/// Serves rows of the partitions it takes from a shared queue. A background task decodes chunks into a
/// bounded channel, so reading overlaps whatever the consumer does with the rows, and back-pressure
/// stops the reader when the consumer falls behind.
/// </summary>
internal sealed class PartitionedRowCursor : BlockRowCursor, Diagnostics.IQueueProbe
{
    private readonly Channel<RecordBatch> _chunks;
    private readonly RecordBatchPool _pool;
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;
    private readonly Task _producer;
    private ExceptionDispatchInfo? _failure;
    private readonly PartitionedDataSource _source;
    // The read stage of the job run this cursor reads for; null outside a run.
    private readonly Diagnostics.StageMeter? _meter = Diagnostics.RunTelemetry.Current?.Read;

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
        _meter?.Watch(this);
        _producer = Task.Run(() => ProduceAsync(view, active, partitions, _stop.Token));
    }

    int Diagnostics.IQueueProbe.Depth => _chunks.Reader.Count;

    int Diagnostics.IQueueProbe.Capacity => _source.Options.PrefetchChunks;

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
            var waiting = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                more = _chunks.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception) when (_failure is not null)
            {
                more = false;
            }

            // The consumer (the next stage) waited for a chunk: that stage is blocked on its input.
            Diagnostics.StageClock.WaitedForInput(waiting);

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
            _meter?.Forget(this);
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
                var chunks = view.Source.Format.ReadAsync(view.ContextFor(partition, active, _pool), cancellationToken).GetAsyncEnumerator(cancellationToken);
                await using (chunks.ConfigureAwait(false))
                {
                    while (true)
                    {
                        // Decoding a chunk, and the I/O it waits for, is the read stage's work.
                        var reading = _meter is null ? default : Diagnostics.AsyncWorkStart.Now();
                        var next = chunks.MoveNextAsync();
                        var more = next.IsCompletedSuccessfully ? next.Result : await next.ConfigureAwait(false);
                        _meter?.AddWork(reading, more ? chunks.Current.RowCount : 0);
                        if (!more)
                        {
                            break;
                        }

                        var batch = chunks.Current;
                        batch.Partition = partition;
                        Jobs.Observation.JobObserver.Reach(Jobs.Observation.JobPoint.DuringRead);
                        if (!_chunks.Writer.TryWrite(batch))
                        {
                            var waiting = System.Diagnostics.Stopwatch.GetTimestamp();
                            await _chunks.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                            _meter?.BlockedOnOutputSince(waiting);
                        }
                    }
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
