using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.ML;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring;

/// <summary>
/// Scores its input in batches on two background stages: one gathers rows into a batch while the other runs
/// ONNX Runtime on the previous one, and the consumer reads a third. A fixed set of reusable slots circulates
/// between the stages, which bounds memory and gives back-pressure without per-row work.
/// </summary>
internal sealed class PipelinedScoredRowCursor : ScoredRowCursor
{
    private readonly Channel<ScoringBatch> _free = Channel.CreateUnbounded<ScoringBatch>();
    private readonly Channel<ScoringBatch> _toScore = Channel.CreateUnbounded<ScoringBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<ScoringBatch> _ready = Channel.CreateUnbounded<ScoringBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private readonly Task _scorer;
    private ExceptionDispatchInfo? _failure;

    public PipelinedScoredRowCursor(ScoredDataView view, DataViewRowCursor input, bool[] active)
        : base(view, input, active, slotCount: (2 * view.Model.Options.PrefetchBatches) + 1)
    {
        foreach (var slot in Slots)
        {
            _free.Writer.TryWrite(slot);
        }

        _reader = Task.Factory.StartNew(ReadLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _scorer = Task.Factory.StartNew(ScoreLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    protected override bool TryTakeNextBatch(out RecordBatch batch)
    {
        batch = null!;
        if (!TryTake(_ready.Reader, out var slot))
        {
            _failure?.Throw();
            return false;
        }

        batch = slot.Rows;
        return true;
    }

    protected override void ReleaseBatch(RecordBatch batch) => _free.Writer.TryWrite(SlotOf(batch));

    protected override bool StopStages()
    {
        _stop.Cancel();
        _free.Writer.TryComplete();
        var stopped = false;
        try
        {
            stopped = Task.WaitAll([_reader, _scorer], TimeSpan.FromSeconds(60));
        }
        catch (AggregateException)
        {
            // Failures were handed to the consumer through _failure.
            stopped = true;
        }

        _stop.Dispose();
        return stopped;
    }

    private bool TryTake(ChannelReader<ScoringBatch> reader, out ScoringBatch slot)
    {
        while (!reader.TryRead(out slot!))
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

    private void ReadLoop()
    {
        try
        {
            var filler = CreateFiller();
            while (TryTake(_free.Reader, out var slot))
            {
                var rows = filler.Fill(slot, BatchRows);
                slot.Rows.RowCount = rows;
                if (rows == 0)
                {
                    _free.Writer.TryWrite(slot);
                    break;
                }

                _toScore.Writer.TryWrite(slot);
                if (rows < BatchRows)
                {
                    break;
                }
            }

            _toScore.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _failure ??= ExceptionDispatchInfo.Capture(e);
            _toScore.Writer.TryComplete(e);
        }
    }

    private void ScoreLoop()
    {
        try
        {
            using var scorer = CreateScorer();
            while (TryTake(_toScore.Reader, out var slot))
            {
                Jobs.Observation.JobObserver.Reach(Jobs.Observation.JobPoint.DuringScoring);
                scorer.Score(slot);
                _ready.Writer.TryWrite(slot);
            }

            _failure?.Throw();
            _ready.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _failure ??= ExceptionDispatchInfo.Capture(e);
            _ready.Writer.TryComplete(e);
        }
    }
}
