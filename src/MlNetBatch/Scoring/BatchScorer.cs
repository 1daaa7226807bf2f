using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Scoring.Backends;

namespace MlNetBatch.Scoring;

/// <summary>
/// Scores a filled slot through a backend, writing the outputs into the slot's columns in place. Plans the runs:
/// a fixed-batch model's runs, the last one zero-padded; on a GPU with an automatic batch size, runs of the size the
/// <see cref="RunSizeTuner"/> chose. A run that runs out of memory is halved and retried; a run the model fails on
/// goes to the <see cref="BadRowIsolator"/> when there is a bad-record sink.
/// </summary>
internal sealed class BatchScorer : IDisposable
{
    private readonly OnnxScoringModel _model;
    private readonly IScoringBackend _backend;
    private readonly RunSizeTuner? _tuner;
    private readonly BadRowIsolator? _isolator;
    private readonly Action<ScoringBatch, int, int> _run;
    private readonly LengthBuckets? _buckets;
    // Reused across batches; almost always empty.
    private readonly List<(int Row, string Reason)> _failed = [];

    /// <param name="model">The model.</param>
    /// <param name="firstOutputColumn">The slot column of the model's first output; the others follow it.</param>
    /// <param name="badRecords">Where rows the model fails on go; when null, such a failure fails the batch.</param>
    public BatchScorer(OnnxScoringModel model, int firstOutputColumn, IBadRecordSink? badRecords)
        : this(model, model.Backends.Create(firstOutputColumn), model.Backends.Tuner, badRecords)
    {
        _buckets = LengthBuckets.For(model, firstOutputColumn);
    }

    /// <summary>A scorer over a given backend (tests pass fakes).</summary>
    internal BatchScorer(OnnxScoringModel model, IScoringBackend backend, RunSizeTuner? tuner, IBadRecordSink? badRecords)
    {
        _model = model;
        _backend = backend;
        _tuner = tuner;
        // A fixed batch above one row cannot be split, so its failures cannot be narrowed down to rows.
        _isolator = badRecords is not null && (model.FixedBatchSize ?? 1) == 1 ? new BadRowIsolator(model.Name, badRecords) : null;
        _run = RunHalvingOnOutOfMemory;
    }

    /// <summary>Scores the slot's rows.</summary>
    public void Score(ScoringBatch slot)
    {
        var rows = slot.Rows.RowCount;
        _failed.Clear();
        if (_model.FixedBatchSize is { } size)
        {
            for (var start = 0; start < rows; start += size)
            {
                if (start + size > rows)
                {
                    PadFixedBatch(slot, rows, start + size);
                }

                ScoreRun(slot, start, size, Math.Min(size, rows - start));
            }
        }
        else
        {
            // A bucketed slot holds several batches, each run at most one: rows sorted by length share a run.
            var bucketed = _buckets is not null && rows > _model.BatchSize;
            if (bucketed)
            {
                _buckets!.Sort(slot, rows);
            }

            var runRows = Math.Min(_tuner?.RunRows ?? rows, _buckets is null ? rows : _model.BatchSize);
            for (var start = 0; start < rows;)
            {
                var count = Math.Min(runRows, rows - start);
                ScoreRun(slot, start, count, count);
                start += count;
            }

            if (bucketed)
            {
                _buckets!.Restore(slot, rows);
                for (var i = 0; i < _failed.Count; i++)
                {
                    _failed[i] = (_buckets.Original(_failed[i].Row), _failed[i].Reason);
                }
            }
        }

        if (_failed.Count > 0)
        {
            _isolator!.SetAside(slot, _failed);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _backend.Dispose();

    /// <summary>One planned run; <paramref name="realRows"/> of its <paramref name="count"/> rows are not padding.</summary>
    private void ScoreRun(ScoringBatch slot, int start, int count, int realRows)
    {
        try
        {
            _run(slot, start, count);
        }
        catch (OnnxRuntimeException e) when (_isolator is not null)
        {
            _isolator.Isolate(slot, start, realRows, e.Message, _run, _failed);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException(
                $"Model '{_model.Name}' failed on a batch of {count} rows: {e.Message}" +
                " To set rows the model fails on aside in the quarantine, set Execution:MaxBadRecords or Execution:MaxBadRecordRatio.", e);
        }
    }

    /// <summary>
    /// Runs rows <c>[start, start + count)</c>; when the device runs out of memory, runs each half instead (and tells
    /// the tuner never to try that size again). Running out of memory is never a bad row: at one row, or at a
    /// model's fixed batch, it fails the batch with an <see cref="OnnxModelException"/>.
    /// </summary>
    private void RunHalvingOnOutOfMemory(ScoringBatch slot, int start, int count)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            _backend.Run(slot, start, count);
            _tuner?.Record(count, Stopwatch.GetTimestamp() - started);
        }
        catch (OnnxRuntimeException e) when (OutOfMemoryErrors.IsOutOfMemory(e))
        {
            if (count == 1 || _model.FixedBatchSize is not null)
            {
                throw new OnnxModelException(
                    $"Model '{_model.Name}' ran out of {_model.Device} memory on a batch of {count} {(count == 1 ? "row" : "rows, the model's fixed batch")}, " +
                    $"so a smaller batch cannot help: free memory on the device (other processes, GpuConcurrentRuns) or use a device with more. ({e.Message})", e);
            }

            _tuner?.OutOfMemory(count);
            var half = count / 2;
            RunHalvingOnOutOfMemory(slot, start, half);
            RunHalvingOnOutOfMemory(slot, start + half, count - half);
        }
    }

    /// <summary>Zero-fills the inputs of rows <c>[rows, end)</c>, the padding of a fixed-batch model's last run; their outputs are never served.</summary>
    private void PadFixedBatch(ScoringBatch slot, int rows, int end)
    {
        for (var i = 0; i < _model.Inputs.Count; i++)
        {
            var size = _model.Inputs[i].RowSize;
            Array.Clear(slot.InputTensors[i], rows * size, (end - rows) * size);
        }
    }
}
