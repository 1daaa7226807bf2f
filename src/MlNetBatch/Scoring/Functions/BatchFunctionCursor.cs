using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring.Functions;

/// <summary>
/// Reads blocks of rows from the input on the consumer's thread and keeps its share of the model's
/// <see cref="BatchModelOptions.MaxConcurrency"/> calls in flight (<see cref="BatchFunctionBinding.CallsInFlight"/>), so
/// that a slow call (a process, a service) overlaps the next ones; hands the scored blocks out in input order, with the rows the model failed set aside.
/// </summary>
internal sealed class BatchFunctionCursor : BlockRowCursor
{
    private readonly BatchFunctionBinding _binding;
    private readonly DataViewRowCursor _input;
    private readonly IBadRecordSink? _badRecords;
    private readonly bool[] _copied;
    private readonly ValueGetter<DataViewRowId> _ids;
    private readonly Queue<BatchFunctionCall> _inFlight = new();
    private readonly Stack<BatchFunctionCall> _free = new();
    private readonly Dictionary<RecordBatch, BatchFunctionCall> _callOf = new(ReferenceEqualityComparer.Instance);
    // Cancelled when the cursor is disposed, or when the partition attempt it scores for runs out of time.
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Jobs.Engine.PartitionAttempt.Token);
    private readonly int _window;
    private bool _inputDone;
    // The score stage of the job run this cursor works for; null outside a run.
    private readonly Diagnostics.StageMeter? _meter = Diagnostics.RunTelemetry.Current?.Score;

    public BatchFunctionCursor(BatchFunctionDataView view, DataViewRowCursor input, bool[] active, bool[] copied)
        : base(view.Schema, active)
    {
        _binding = view.Binding;
        _input = input;
        _badRecords = view.BadRecords;
        _copied = copied;
        _ids = input.GetIdGetter();
        _window = _binding.CallsInFlight;
    }

    // Blocks go back onto this cursor's own stack, on its thread.
    internal override bool CanLendBlocks => false;

    internal override DataViewRowId RowIdAt(RecordBatch batch, int row) => _callOf[batch].RowIds[row];

    internal override long BatchIdAt(RecordBatch batch, int row) => _callOf[batch].BatchIds[row];

    internal override void CopyIds(RecordBatch batch, int start, Span<DataViewRowId> rowIds, Span<long> batchIds)
    {
        var call = _callOf[batch];
        call.RowIds.AsSpan(start, rowIds.Length).CopyTo(rowIds);
        call.BatchIds.AsSpan(start, rowIds.Length).CopyTo(batchIds);
    }

    protected override bool TryTakeNextBatch(out RecordBatch batch)
    {
        // Copying rows into calls and waiting for the function's answers are the score stage's work; the input's
        // stages subtract their own time.
        var span = Diagnostics.StageClock.Begin(_meter);
        var rows = 0;
        try
        {
            var found = TryScoreNextBatch(out batch);
            rows = found ? batch.RowCount : 0;
            return found;
        }
        finally
        {
            Diagnostics.StageClock.End(span, rows);
        }
    }

    private bool TryScoreNextBatch(out RecordBatch batch)
    {
        while (true)
        {
            StartCalls();
            if (!_inFlight.TryDequeue(out var call))
            {
                batch = null!;
                return false;
            }

            call.Scoring.GetAwaiter().GetResult();
            SetAside(call);
            if (call.Block.RowCount > 0)
            {
                batch = call.Block;
                return true;
            }

            _free.Push(call);
        }
    }

    protected override void ReleaseBatch(RecordBatch batch) => _free.Push(_callOf[batch]);

    /// <summary>Fills blocks from the input and starts their calls until the window is full or the input ends.</summary>
    private void StartCalls()
    {
        while (!_inputDone && _inFlight.Count < _window)
        {
            var call = _free.Count > 0 ? _free.Pop() : NewCall();
            var block = call.Block;
            block.Reset(_binding.BatchSize);
            var copiers = call.Copiers!;
            var rows = 0;
            while (rows < _binding.BatchSize && _input.MoveNext())
            {
                for (var c = 0; c < copiers.Length; c++)
                {
                    copiers[c](rows);
                }

                _ids(ref call.RowIds[rows]);
                call.BatchIds[rows] = _input.Batch;
                rows++;
            }

            block.RowCount = rows;
            _inputDone = rows < _binding.BatchSize;
            if (rows == 0)
            {
                _free.Push(call);
                return;
            }

            call.Start(_stop.Token);
            _inFlight.Enqueue(call);
        }
    }

    private BatchFunctionCall NewCall()
    {
        var block = _binding.CreateBlock(_copied, _binding.BatchSize);
        var call = new BatchFunctionCall(_binding, block, _binding.BatchSize);
        var copiers = new List<Action<int>>();
        for (var i = 0; i < _input.Schema.Count; i++)
        {
            if (_copied[i])
            {
                copiers.Add(block.Columns[i]!.CreateCopier(_input, _input.Schema[i]));
            }
        }

        call.Copiers = [.. copiers];
        _callOf[block] = call;
        return call;
    }

    /// <summary>Reports the rows the model failed (or, with no bad-record sink, fails the read) and drops them from the block.</summary>
    private void SetAside(BatchFunctionCall call)
    {
        var failures = call.Batch.Failures;
        if (failures.Count == 0)
        {
            return;
        }

        var rows = new HashSet<int>();
        foreach (var (row, reason) in failures)
        {
            if (!rows.Add(row))
            {
                continue;
            }

            var path = _binding.PathIndex is { } index ? ((TextColumnBuffer)call.Block.Columns[index]!).Values[row].ToString() : string.Empty;
            var rowInPartition = (long)call.RowIds[row].Low;
            if (_badRecords is null)
            {
                var where = path.Length > 0 ? $" ({path})" : string.Empty;
                throw new ModelException($"Batch model '{_binding.Model.Name}' failed on row {rowInPartition}{where}: {reason}");
            }

            _badRecords.Report(new BadRecord(path, string.Empty, rowInPartition, null, null, $"batch model '{_binding.Model.Name}' failed on this row: {reason}", null));
        }

        call.Block.RemoveRows(rows, (from, to) =>
        {
            call.RowIds[to] = call.RowIds[from];
            call.BatchIds[to] = call.BatchIds[from];
        });
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_stop.IsCancellationRequested)
        {
            _stop.Cancel();
            foreach (var call in _inFlight)
            {
                // The calls write into blocks this cursor owns: wait for them before the blocks can go.
                try
                {
                    call.Scoring.GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                }
            }

            _inFlight.Clear();
            _input.Dispose();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }
}
