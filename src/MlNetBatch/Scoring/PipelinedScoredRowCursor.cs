using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.ML;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring;

/// <summary>
/// Scores its input in batches on background stages: a reader gathers rows into a batch while one or more scorers
/// run ONNX Runtime on earlier ones, and the consumer reads a batch scored before. A fixed set of reusable slots
/// circulates between the stages, which bounds memory and gives back-pressure without per-row work.
/// </summary>
/// <remarks>
/// A cursor has one scorer per batch its backends keep in flight (<see cref="Backends.ScoringBackendFactory.BatchesInFlight"/>).
/// On the CPU that is one. On a GPU it is the device's concurrent runs, so that one batch's copies to and from the
/// device overlap another's compute. Each scorer has a backend of its own and owns a fixed share of the slots,
/// because an I/O-binding backend keeps host buffers for every slot it scores; shared slots would multiply them.
/// Batches are numbered as they are read, and the consumer gets them in that order whichever scorer finishes first.
/// </remarks>
internal sealed class PipelinedScoredRowCursor : ScoredRowCursor, Diagnostics.IQueueProbe
{
    private readonly Channel<ScoringBatch> _free = Channel.CreateUnbounded<ScoringBatch>();
    // One queue per scorer; a slot always goes to the queue of the scorer that owns it.
    private readonly Dictionary<ScoringBatch, ChannelWriter<NumberedBatch>> _queueOf = new(ReferenceEqualityComparer.Instance);
    private readonly ChannelWriter<NumberedBatch>[] _queues;
    private readonly Channel<NumberedBatch> _ready;
    // Batches scored before the one the consumer waits for: only several scorers finish out of order.
    private readonly Dictionary<long, ScoringBatch> _early = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private readonly Task[] _scorers;
    private int _scorersRunning;
    private long _next;
    private ExceptionDispatchInfo? _failure;
    private readonly int _slotCount;

    public PipelinedScoredRowCursor(ScoredDataView view, DataViewRowCursor input, bool[] active)
        : base(view, input, active, SlotCount(view.Model))
    {
        var scorers = view.Model.Backends.BatchesInFlight;
        var queues = new Channel<NumberedBatch>[scorers];
        for (var i = 0; i < scorers; i++)
        {
            queues[i] = Channel.CreateUnbounded<NumberedBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        }

        _queues = [.. queues.Select(q => q.Writer)];
        _ready = Channel.CreateUnbounded<NumberedBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = scorers == 1 });
        var dealt = 0;
        foreach (var slot in Slots)
        {
            // The slots circulate in the order they start in, so dealing them out in turn alternates the scorers.
            _queueOf[slot] = _queues[dealt++ % scorers];
            _free.Writer.TryWrite(slot);
        }

        _slotCount = _queueOf.Count;
        Meter?.Watch(this);
        _scorersRunning = scorers;
        _reader = Task.Factory.StartNew(ReadLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _scorers = [.. queues.Select(q => Task.Factory.StartNew(() => ScoreLoop(q.Reader), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
    }

    private bool Failed => Volatile.Read(ref _failure) is not null;

    int Diagnostics.IQueueProbe.Depth => _slotCount - _free.Reader.Count;

    int Diagnostics.IQueueProbe.Capacity => _slotCount;

    protected override bool TryTakeNextBatch(out RecordBatch batch)
    {
        batch = null!;
        if (!_early.Remove(_next, out var slot))
        {
            var waiting = System.Diagnostics.Stopwatch.GetTimestamp();
            var scored = TryTakeScored(_next, out slot);
            // The consumer (the writer) waited for a scored batch: it is blocked on its input.
            Diagnostics.StageClock.WaitedForInput(waiting);
            if (!scored)
            {
                _failure?.Throw();
                return false;
            }
        }

        _next++;
        batch = slot.Rows;
        return true;
    }

    protected override void ReleaseBatch(RecordBatch batch) => _free.Writer.TryWrite(SlotOf(batch));

    protected override bool StopStages()
    {
        Meter?.Forget(this);
        _stop.Cancel();
        _free.Writer.TryComplete();
        var stopped = false;
        try
        {
            stopped = Task.WaitAll([_reader, .. _scorers], TimeSpan.FromSeconds(60));
        }
        catch (AggregateException)
        {
            // Failures were handed to the consumer through _failure.
            stopped = true;
        }

        _stop.Dispose();
        return stopped;
    }

    /// <summary>
    /// One slot per stage with one scorer: a batch read, one scored, one filled, and twice
    /// <see cref="ScoreOnnxOptions.PrefetchBatches"/> ahead of them. Each further scorer holds one more batch in a run,
    /// and the count is rounded up to a whole share for every scorer, so that no scorer gets two batches in a row.
    /// </summary>
    private static int SlotCount(OnnxScoringModel model)
    {
        var scorers = model.Backends.BatchesInFlight;
        var slots = (2 * model.Options.PrefetchBatches) + scorers;
        return (slots + scorers - 1) / scorers * scorers;
    }

    /// <summary>Waits for batch <paramref name="number"/>, keeping batches that finish before it for later.</summary>
    private bool TryTakeScored(long number, out ScoringBatch slot)
    {
        while (TryTake(_ready.Reader, out var scored))
        {
            if (scored.Number == number)
            {
                slot = scored.Slot;
                return true;
            }

            _early.Add(scored.Number, scored.Slot);
        }

        slot = null!;
        return false;
    }

    private bool TryTake<T>(ChannelReader<T> reader, out T item)
    {
        while (!reader.TryRead(out item!))
        {
            try
            {
                if (!reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
                {
                    return false;
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (ChannelClosedException)
            {
                return false;
            }
            catch (Exception) when (_failure is not null)
            {
                // A stage failed; the caller rethrows the original failure with its stack.
                return false;
            }
        }

        return true;
    }

    /// <summary>Keeps the first failure of any stage; the consumer rethrows it.</summary>
    private void Fail(Exception e) => Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);

    private void ReadLoop()
    {
        try
        {
            var filler = CreateFiller();
            long number = 0;
            // After a failure nothing more is read: the cursor fails either way.
            while (!Failed && TryTakeFree(out var slot))
            {
                var rows = Fill(filler, slot);
                slot.Rows.RowCount = rows;
                if (rows == 0)
                {
                    _free.Writer.TryWrite(slot);
                    break;
                }

                _queueOf[slot].TryWrite(new NumberedBatch(number++, slot));
                if (rows < BatchRows)
                {
                    break;
                }
            }

            CompleteQueues(null);
        }
        catch (Exception e)
        {
            Fail(e);
            CompleteQueues(e);
        }
    }

    /// <summary>A free slot for the reader; waiting for one is waiting for the consumer to give one back (room downstream).</summary>
    private bool TryTakeFree(out ScoringBatch slot)
    {
        if (_free.Reader.TryRead(out slot!))
        {
            return true;
        }

        var waiting = System.Diagnostics.Stopwatch.GetTimestamp();
        var taken = TryTake(_free.Reader, out slot);
        Diagnostics.StageClock.WaitedForOutput(Meter, waiting);
        return taken;
    }

    private void CompleteQueues(Exception? failure)
    {
        foreach (var queue in _queues)
        {
            queue.TryComplete(failure);
        }
    }

    private void ScoreLoop(ChannelReader<NumberedBatch> queue)
    {
        try
        {
            using var scorer = CreateScorer();
            while (!Failed && TryTake(queue, out var batch))
            {
                Jobs.Observation.JobObserver.Reach(Jobs.Observation.JobPoint.DuringScoring);
                Score(scorer, batch.Slot);
                _ready.Writer.TryWrite(batch);
            }

            _failure?.Throw();
            // The last scorer to finish tells the consumer that no batch is left.
            if (Interlocked.Decrement(ref _scorersRunning) == 0)
            {
                _ready.Writer.TryComplete();
            }
        }
        catch (Exception e)
        {
            Fail(e);
            _ready.Writer.TryComplete(e);
        }
    }

    /// <summary>A filled slot and its place in the input's order.</summary>
    private readonly record struct NumberedBatch(long Number, ScoringBatch Slot);
}
