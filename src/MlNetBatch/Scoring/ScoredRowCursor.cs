using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring;

/// <summary>
/// Serves scored rows out of reusable slots: each slot holds a batch's pass-through columns, the model's input
/// tensors and the output columns ONNX Runtime writes into. Subclasses decide where filling and scoring run:
/// on background stages that overlap (<see cref="PipelinedScoredRowCursor"/>) or on the consumer's own thread
/// (<see cref="SequentialScoredRowCursor"/>).
/// </summary>
internal abstract class ScoredRowCursor : BlockRowCursor
{
    private readonly Dictionary<RecordBatch, ScoringBatch> _slotOf = new(ReferenceEqualityComparer.Instance);
    private readonly ScoringSlotPool _pool;
    private readonly string _shape;
    private readonly int _inputColumnCount;
    private bool _disposed;

    protected ScoredRowCursor(ScoredDataView view, DataViewRowCursor input, bool[] active, int slotCount)
        : base(view.Schema, active)
    {
        Model = view.Model;
        Input = input;
        Meter = Diagnostics.RunTelemetry.Current?.Score;
        BadRecords = view.BadRecords;
        _inputColumnCount = view.Input.Schema.Count;
        // A fixed model batch (say 1 or 8) runs several times per slot; round the slot up to a whole number of runs.
        var batchSize = Model.BatchSize;
        BatchRows = Model.FixedBatchSize is { } size ? ((batchSize + size - 1) / size) * size : batchSize * LengthBuckets.BatchesPerSlot(Model);
        _pool = view.Slots;
        _shape = ScoringSlotPool.ShapeOf(view.Schema, active, BatchRows);
        for (var i = 0; i < slotCount; i++)
        {
            if (!_pool.TryRent(_shape, out var slot))
            {
                slot = CreateSlot(view.Schema, active);
            }

            _slotOf[slot.Rows] = slot;
        }
    }

    /// <summary>Creates the cursor that runs the stages where <paramref name="sequential"/> says.</summary>
    public static ScoredRowCursor Create(ScoredDataView view, DataViewRowCursor input, bool[] active, bool sequential) =>
        sequential ? new SequentialScoredRowCursor(view, input, active) : new PipelinedScoredRowCursor(view, input, active);

    protected OnnxScoringModel Model { get; }

    /// <summary>The score stage of the job run this cursor works for; null outside a run.</summary>
    protected Diagnostics.StageMeter? Meter { get; }

    protected DataViewRowCursor Input { get; }

    protected Data.BadRecords.IBadRecordSink? BadRecords { get; }

    /// <summary>Rows per slot.</summary>
    protected int BatchRows { get; }

    /// <summary>This cursor's slots.</summary>
    protected IEnumerable<ScoringBatch> Slots => _slotOf.Values;

    /// <summary>False: a slot is filled again once the consumer moves on (the sequential cursor has only one), and its row ids live beside it.</summary>
    internal override bool CanLendBlocks => false;

    internal override DataViewRowId RowIdAt(RecordBatch batch, int row) => _slotOf[batch].RowIds[row];

    internal override long BatchIdAt(RecordBatch batch, int row) => _slotOf[batch].BatchIds[row];

    internal override void CopyIds(RecordBatch batch, int start, Span<DataViewRowId> rowIds, Span<long> batchIds)
    {
        var slot = _slotOf[batch];
        slot.RowIds.AsSpan(start, rowIds.Length).CopyTo(rowIds);
        slot.BatchIds.AsSpan(start, rowIds.Length).CopyTo(batchIds);
    }

    /// <summary>The slot that holds a batch this cursor handed out.</summary>
    protected ScoringBatch SlotOf(RecordBatch batch) => _slotOf[batch];

    /// <summary>A filler that copies the requested input columns and packs the model's inputs.</summary>
    protected SlotFiller CreateFiller()
    {
        var passThrough = new List<int>();
        for (var i = 0; i < _inputColumnCount; i++)
        {
            if (IsColumnActive(Schema[i]))
            {
                passThrough.Add(i);
            }
        }

        return SlotFiller.Create(Input, [.. passThrough], Model);
    }

    protected BatchScorer CreateScorer() => new(Model, _inputColumnCount, BadRecords);

    /// <summary>Fills <paramref name="slot"/> from the input in a span of the score stage: packing is its work, waits for the input are not.</summary>
    protected int Fill(SlotFiller filler, ScoringBatch slot)
    {
        var span = Diagnostics.StageClock.Begin(Meter);
        try
        {
            return filler.Fill(slot, BatchRows);
        }
        finally
        {
            Diagnostics.StageClock.End(span, 0);
        }
    }

    /// <summary>Scores <paramref name="slot"/>, timing the batch for the stage and the batch histograms.</summary>
    protected void Score(BatchScorer scorer, ScoringBatch slot)
    {
        var span = Diagnostics.StageClock.Begin(Meter);
        var rows = 0;
        try
        {
            scorer.Score(slot);
            rows = slot.Rows.RowCount;
        }
        finally
        {
            Diagnostics.StageClock.End(span, rows);
        }

        if (Meter is { } meter)
        {
            Diagnostics.StageInstruments.BatchSize.Record(rows, meter.JobTag);
            Diagnostics.StageInstruments.BatchDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(span.Timestamp).TotalSeconds, meter.JobTag);
        }
    }

    /// <summary>Stops whatever runs in the background; true when nothing touches the slots any more.</summary>
    protected abstract bool StopStages();

    protected override void Dispose(bool disposing)
    {
        // A second Dispose must not return the slots again: two cursors would then fill one slot.
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (StopStages())
            {
                // Nothing uses the slots any more: the next cursor of this shape can have them.
                foreach (var slot in _slotOf.Values)
                {
                    _pool.Return(_shape, slot);
                }
            }

            Input.Dispose();
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
                columns[i] = ColumnBuffer.Create(schema[i].Type, BatchRows);
            }
        }

        // Output buffers always exist: ONNX Runtime writes every requested output straight into them.
        for (var o = 0; o < Model.Outputs.Count; o++)
        {
            columns[_inputColumnCount + o] = ColumnBuffer.Create(schema[_inputColumnCount + o].Type, BatchRows);
        }

        var tensors = new Array[Model.Inputs.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i] = Model.Inputs[i].CreateStaging(BatchRows);
        }

        var rows = new RecordBatch(columns);
        rows.Reset(BatchRows);
        return new ScoringBatch(rows, tensors, new DataViewRowId[BatchRows], new long[BatchRows]);
    }
}
