using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring;

/// <summary>
/// Scores its input in batches on two background stages: one gathers rows into a batch while the other runs
/// ONNX Runtime on the previous one, and the consumer reads a third. A fixed set of reusable slots circulates
/// between the stages, which bounds memory and gives back-pressure without per-row work.
/// </summary>
internal sealed class ScoredRowCursor : BlockRowCursor
{
    private readonly OnnxScoringModel _model;
    private readonly DataViewRowCursor _input;
    private readonly int _inputColumnCount;
    private readonly int _batchRows;
    private readonly Channel<ScoringBatch> _free = Channel.CreateUnbounded<ScoringBatch>();
    private readonly Channel<ScoringBatch> _toScore = Channel.CreateUnbounded<ScoringBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<ScoringBatch> _ready = Channel.CreateUnbounded<ScoringBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Dictionary<RecordBatch, ScoringBatch> _slotOf = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private readonly Task _scorer;
    private readonly ScoringSlotPool _slots;
    private readonly IBadRecordSink? _badRecords;
    private readonly string _shape;
    private ExceptionDispatchInfo? _failure;

    public ScoredRowCursor(ScoredDataView view, DataViewRowCursor input, bool[] active)
        : base(view.Schema, active)
    {
        _model = view.Model;
        _input = input;
        _inputColumnCount = view.Input.Schema.Count;
        var fixedBatch = _model.FixedBatchSize;
        // A fixed model batch (say 1 or 8) runs several times per slot; round the slot up to a whole number of runs.
        var batchSize = _model.BatchSize;
        _batchRows = fixedBatch is { } size ? ((batchSize + size - 1) / size) * size : batchSize;

        _slots = view.Slots;
        _badRecords = view.BadRecords;
        _shape = ScoringSlotPool.ShapeOf(view.Schema, active, _batchRows);
        var slots = (2 * _model.Options.PrefetchBatches) + 1;
        for (var i = 0; i < slots; i++)
        {
            if (!_slots.TryRent(_shape, out var slot))
            {
                slot = CreateSlot(view.Schema, active);
            }

            _slotOf[slot.Rows] = slot;
            _free.Writer.TryWrite(slot);
        }

        _reader = Task.Factory.StartNew(ReadLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _scorer = Task.Factory.StartNew(ScoreLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    internal override DataViewRowId RowIdAt(RecordBatch batch, int row) => _slotOf[batch].RowIds[row];

    internal override long BatchIdAt(RecordBatch batch, int row) => _slotOf[batch].BatchIds[row];

    internal override void CopyIds(RecordBatch batch, int start, Span<DataViewRowId> rowIds, Span<long> batchIds)
    {
        var slot = _slotOf[batch];
        slot.RowIds.AsSpan(start, rowIds.Length).CopyTo(rowIds);
        slot.BatchIds.AsSpan(start, rowIds.Length).CopyTo(batchIds);
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

    protected override void ReleaseBatch(RecordBatch batch) => _free.Writer.TryWrite(_slotOf[batch]);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
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

            if (stopped)
            {
                // Both stages are done with every slot: the next cursor of this shape can have them.
                foreach (var slot in _slotOf.Values)
                {
                    _slots.Return(_shape, slot);
                }
            }

            _input.Dispose();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private ScoringBatch CreateSlot(DataViewSchema schema, bool[] active)
    {
        var columns = new ColumnBuffer?[schema.Count];
        for (var i = 0; i < _inputColumnCount; i++)
        {
            if (active[i])
            {
                columns[i] = ColumnBuffer.Create(schema[i].Type, _batchRows);
            }
        }

        // Output buffers always exist: ONNX Runtime writes every requested output straight into them.
        for (var o = 0; o < _model.Outputs.Count; o++)
        {
            columns[_inputColumnCount + o] = ColumnBuffer.Create(schema[_inputColumnCount + o].Type, _batchRows);
        }

        var tensors = new Array[_model.Inputs.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            var spec = _model.Inputs[i];
            tensors[i] = Array.CreateInstance(spec.ItemType.RawType, _batchRows * spec.RowSize);
        }

        var rows = new RecordBatch(columns);
        rows.Reset(_batchRows);
        return new ScoringBatch(rows, tensors, new DataViewRowId[_batchRows], new long[_batchRows]);
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
            var passThrough = new List<int>();
            for (var i = 0; i < _inputColumnCount; i++)
            {
                if (IsColumnActive(Schema[i]))
                {
                    passThrough.Add(i);
                }
            }

            // One packer per feeding column; tensorOfPacker says which input tensor each one fills.
            var packers = new List<InputPacker>();
            var tensorOfPacker = new List<int>();
            for (var i = 0; i < _model.Inputs.Count; i++)
            {
                foreach (var packer in InputPacker.Create(_input, _model.Inputs[i]))
                {
                    packers.Add(packer);
                    tensorOfPacker.Add(i);
                }
            }

            var filler = _input is BlockRowCursor blocks
                ? (IBatchFiller)new BlockFiller(blocks, passThrough.ToArray(), packers.ToArray())
                : new RowFiller(_input, passThrough, packers.ToArray());
            while (TryTake(_free.Reader, out var slot))
            {
                for (var i = 0; i < packers.Count; i++)
                {
                    packers[i].SetTarget(slot.InputTensors[tensorOfPacker[i]]);
                }

                var rows = filler.Fill(slot, _batchRows);
                slot.Rows.RowCount = rows;
                if (rows == 0)
                {
                    _free.Writer.TryWrite(slot);
                    break;
                }

                _toScore.Writer.TryWrite(slot);
                if (rows < _batchRows)
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

    /// <summary>Fills a slot with the next rows of the input.</summary>
    private interface IBatchFiller
    {
        int Fill(ScoringBatch slot, int capacity);
    }

    /// <summary>Row by row through getters: works over any ML.NET cursor.</summary>
    private sealed class RowFiller(DataViewRowCursor input, List<int> passThrough, InputPacker[] packers) : IBatchFiller
    {
        private readonly ValueGetter<DataViewRowId> _ids = input.GetIdGetter();
        // Copiers are bound to a slot's buffers; build them once per slot and keep them.
        private readonly Dictionary<ScoringBatch, Action<int>[]> _copiers = new(ReferenceEqualityComparer.Instance);

        public int Fill(ScoringBatch slot, int capacity)
        {
            if (!_copiers.TryGetValue(slot, out var copy))
            {
                copy = passThrough.Select(c => slot.Rows.Columns[c]!.CreateCopier(input, input.Schema[c])).ToArray();
                _copiers[slot] = copy;
            }

            var rows = 0;
            while (rows < capacity && input.MoveNext())
            {
                for (var c = 0; c < copy.Length; c++)
                {
                    copy[c](rows);
                }

                for (var i = 0; i < packers.Length; i++)
                {
                    packers[i].Pack(rows);
                }

                _ids(ref slot.RowIds[rows]);
                slot.BatchIds[rows] = input.Batch;
                rows++;
            }

            return rows;
        }
    }

    /// <summary>
    /// Column by column from MlNetBatch's own cursors: whole blocks are copied and packed in bulk, with no
    /// getter call per value. A block larger than a slot is carried over to the next slot.
    /// </summary>
    private sealed class BlockFiller(BlockRowCursor input, int[] passThrough, InputPacker[] packers) : IBatchFiller
    {
        // 256 rows of a 16-float input are 16 KB: a tile that fits the L1 cache.
        private const int PackTileRows = 256;

        private RecordBatch? _block;
        private int _start;
        private int _remaining;

        // A job calls this a few hundred times per partition: optimized from the first call, not after tiering catches up.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Fill(ScoringBatch slot, int capacity)
        {
            var rows = 0;
            while (rows < capacity)
            {
                if (_remaining == 0)
                {
                    if (!input.TryTakeBlock(out var next, out _start, out _remaining))
                    {
                        break;
                    }

                    _block = next;
                }

                var block = _block!;
                var count = Math.Min(_remaining, capacity - rows);
                foreach (var column in passThrough)
                {
                    slot.Rows.Columns[column]!.CopyRows(block.Columns[column]!, _start, rows, count);
                }

                // Tile by tile, so the tensor rows every column scatters into stay in cache until they are complete.
                for (var tile = 0; tile < count; tile += PackTileRows)
                {
                    var tileRows = Math.Min(PackTileRows, count - tile);
                    foreach (var packer in packers)
                    {
                        packer.PackBlock(block, _start + tile, rows + tile, tileRows);
                    }
                }

                input.CopyIds(block, _start, slot.RowIds.AsSpan(rows, count), slot.BatchIds.AsSpan(rows, count));

                rows += count;
                _start += count;
                _remaining -= count;
            }

            return rows;
        }
    }

    private void ScoreLoop()
    {
        try
        {
            using var runOptions = new RunOptions();
            var inputNames = _model.Inputs.Select(i => i.Name).ToArray();
            var outputNames = _model.Outputs.Select(o => o.Name).ToArray();
            while (TryTake(_toScore.Reader, out var slot))
            {
                Jobs.Observation.JobObserver.Reach(Jobs.Observation.JobPoint.DuringScoring);
                Score(slot, runOptions, inputNames, outputNames);
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

    private void Score(ScoringBatch slot, RunOptions runOptions, string[] inputNames, string[] outputNames)
    {
        var rows = slot.Rows.RowCount;
        var runRows = _model.FixedBatchSize ?? rows;
        List<(int Row, string Reason)>? failed = null;
        for (var start = 0; start < rows; start += runRows)
        {
            if (_model.FixedBatchSize is not null && start + runRows > rows)
            {
                // Pad the last run of a fixed-batch model with zeros; its extra output rows are never served.
                for (var i = 0; i < _model.Inputs.Count; i++)
                {
                    var size = _model.Inputs[i].RowSize;
                    Array.Clear(slot.InputTensors[i], rows * size, (start + runRows - rows) * size);
                }
            }

            try
            {
                Run(slot, start, runRows, runOptions, inputNames, outputNames);
            }
            catch (OnnxRuntimeException e) when (_badRecords is not null && (_model.FixedBatchSize ?? 1) == 1)
            {
                failed ??= [];
                Isolate(slot, start, Math.Min(runRows, rows - start), runOptions, inputNames, outputNames, failed, e.Message);
            }
            catch (OnnxRuntimeException e)
            {
                throw new OnnxModelException(
                    $"Model '{_model.Name}' failed on a batch of {runRows} rows: {e.Message}" +
                    (_badRecords is null ? " To set rows the model fails on aside in the quarantine, set Execution:MaxBadRecords or Execution:MaxBadRecordRatio." : string.Empty), e);
            }
        }

        if (failed is { Count: > 0 })
        {
            foreach (var (row, reason) in failed)
            {
                var id = slot.RowIds[row];
                _badRecords!.Report(new BadRecord(string.Empty, string.Empty, (long)id.Low, null, null, $"model '{_model.Name}' failed on this row: {reason}", null));
            }

            RemoveRows(slot, failed.Select(f => f.Row).ToHashSet());
        }
    }

    /// <summary>
    /// Finds the rows a failing batch fails on by scoring halves of it, down to single rows; the rows that score
    /// get their outputs, the others are listed in <paramref name="failed"/>.
    /// </summary>
    private void Isolate(ScoringBatch slot, int start, int count, RunOptions runOptions, string[] inputNames, string[] outputNames, List<(int Row, string Reason)> failed, string reason)
    {
        if (count == 1)
        {
            failed.Add((start, reason));
            return;
        }

        var half = count / 2;
        foreach (var (from, length) in new[] { (start, half), (start + half, count - half) })
        {
            try
            {
                Run(slot, from, length, runOptions, inputNames, outputNames);
            }
            catch (OnnxRuntimeException e)
            {
                Isolate(slot, from, length, runOptions, inputNames, outputNames, failed, e.Message);
            }
        }
    }

    /// <summary>Drops rows from a scored slot; row ids and batch ids move with their rows.</summary>
    private static void RemoveRows(ScoringBatch slot, HashSet<int> rows) =>
        slot.Rows.RemoveRows(rows, (from, to) =>
        {
            slot.RowIds[to] = slot.RowIds[from];
            slot.BatchIds[to] = slot.BatchIds[from];
        });

    /// <summary>One ONNX Runtime call over rows [start, start + count) of the slot, reading and writing its arrays in place.</summary>
    private void Run(ScoringBatch slot, int start, int count, RunOptions runOptions, string[] inputNames, string[] outputNames)
    {
        var inputs = new OrtValue[_model.Inputs.Count];
        var outputs = new OrtValue[_model.Outputs.Count];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var spec = _model.Inputs[i];
                inputs[i] = OrtTensors.Over(slot.InputTensors[i], start * spec.RowSize, count * spec.RowSize, Shape(spec, count));
            }

            for (var o = 0; o < outputs.Length; o++)
            {
                var spec = _model.Outputs[o];
                var target = OutputArray(slot.Rows.Columns[_inputColumnCount + o]!);
                outputs[o] = OrtTensors.Over(target, start * spec.RowSize, count * spec.RowSize, Shape(spec, count));
            }

            _model.Session.Run(runOptions, inputNames, inputs, outputNames, outputs);
        }
        finally
        {
            foreach (var value in inputs)
            {
                value?.Dispose();
            }

            foreach (var value in outputs)
            {
                value?.Dispose();
            }
        }
    }

    private static long[] Shape(OnnxTensorSpec spec, int rows)
    {
        var shape = new long[spec.Dimensions.Length];
        shape[0] = rows;
        for (var d = 1; d < shape.Length; d++)
        {
            shape[d] = spec.Dimensions[d];
        }

        return shape;
    }

    private static Array OutputArray(ColumnBuffer buffer) => buffer switch
    {
        ScalarColumnBuffer<float> b => b.Values,
        ScalarColumnBuffer<double> b => b.Values,
        ScalarColumnBuffer<long> b => b.Values,
        ScalarColumnBuffer<int> b => b.Values,
        ScalarColumnBuffer<bool> b => b.Values,
        VectorColumnBuffer<float> b => b.Values,
        VectorColumnBuffer<double> b => b.Values,
        VectorColumnBuffer<long> b => b.Values,
        VectorColumnBuffer<int> b => b.Values,
        VectorColumnBuffer<bool> b => b.Values,
        _ => throw new NotSupportedException($"Model outputs of type {buffer.Type} are not supported."),
    };
}
