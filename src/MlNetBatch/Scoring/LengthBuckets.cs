using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring;

/// <summary>
/// Bucketing by length for models with inputs of varying length: a slot holds several batches' rows
/// (<see cref="ScoreOnnxOptions.LengthBucketBatches"/>); before its runs the staged inputs are reordered shortest
/// first, so each run pads to rows of similar length, and afterwards the outputs are put back in input order. Only
/// staged inputs and outputs move: pass-through columns and row ids never leave their rows.
/// </summary>
internal sealed class LengthBuckets
{
    private readonly OnnxScoringModel _model;
    private readonly int _firstOutputColumn;
    private readonly Array?[] _inputScratch;
    private readonly ColumnBuffer?[] _outputScratch;
    private readonly LengthReader?[] _lengths;
    private long[] _keys = [];
    private int[] _order = [];

    private LengthBuckets(OnnxScoringModel model, int firstOutputColumn)
    {
        _model = model;
        _firstOutputColumn = firstOutputColumn;
        _inputScratch = new Array?[model.Inputs.Count];
        _outputScratch = new ColumnBuffer?[model.Outputs.Count];
        _lengths = model.Inputs.Select(i => i.Layout == TensorLayout.Padded
            ? GenericActivator.Create<LengthReader>(typeof(LengthReader<>), i.ItemType.RawType)
            : null).ToArray();
    }

    /// <summary>Batches per slot for <paramref name="model"/>: the configured number when it has padded inputs and an open batch, else 1.</summary>
    public static int BatchesPerSlot(OnnxScoringModel model) =>
        model.FixedBatchSize is null && model.Inputs.Any(i => i.Layout == TensorLayout.Padded) ? model.Options.LengthBucketBatches : 1;

    /// <summary>The bucketing of <paramref name="model"/>'s slots, or null when its slots hold one batch.</summary>
    public static LengthBuckets? For(OnnxScoringModel model, int firstOutputColumn) =>
        BatchesPerSlot(model) > 1 ? new LengthBuckets(model, firstOutputColumn) : null;

    /// <summary>The slot row that sorted position <paramref name="sorted"/> came from, after <see cref="Sort"/>.</summary>
    public int Original(int sorted) => _order[sorted];

    /// <summary>Reorders the staged inputs of the slot's first <paramref name="rows"/> rows by length, ties in input order.</summary>
    public void Sort(ScoringBatch slot, int rows)
    {
        if (_order.Length < rows)
        {
            _order = new int[rows];
            _keys = new long[rows];
        }

        var keys = _keys.AsSpan(0, rows);
        var order = _order.AsSpan(0, rows);
        keys.Clear();
        for (var i = 0; i < _model.Inputs.Count; i++)
        {
            _lengths[i]?.AddTo(slot.InputTensors[i], keys);
        }

        for (var r = 0; r < rows; r++)
        {
            // The row index in the low bits makes the (unstable) sort keep equal lengths in input order.
            keys[r] = (keys[r] << 32) | (uint)r;
            order[r] = r;
        }

        keys.Sort(order);
        for (var i = 0; i < _model.Inputs.Count; i++)
        {
            var spec = _model.Inputs[i];
            if (spec.Layout != TensorLayout.Mask)
            {
                Permute(slot.InputTensors[i], ref _inputScratch[i], spec.Layout == TensorLayout.Padded ? 1 : spec.RowSize, rows);
            }
        }
    }

    /// <summary>Moves the outputs of the slot's first <paramref name="rows"/> rows from sorted order back to input order.</summary>
    public void Restore(ScoringBatch slot, int rows)
    {
        for (var k = 0; k < _model.Outputs.Count; k++)
        {
            if (slot.Rows.Columns[_firstOutputColumn + k] is not { } column)
            {
                continue;
            }

            var scratch = _outputScratch[k] ??= ColumnBuffer.Create(column.Type, rows);
            scratch.EnsureCapacity(rows);
            for (var p = 0; p < rows; p++)
            {
                scratch.CopyRows(column, p, _order[p], 1);
            }

            column.CopyRows(scratch, 0, 0, rows);
        }
    }

    private void Permute(Array staging, ref Array? scratch, int rowSize, int rows)
    {
        if (scratch is null || scratch.Length < rows * rowSize)
        {
            scratch = Array.CreateInstance(staging.GetType().GetElementType()!, staging.Length);
        }

        for (var p = 0; p < rows; p++)
        {
            Array.Copy(staging, _order[p] * rowSize, scratch, p * rowSize, rowSize);
        }

        Array.Copy(scratch, 0, staging, 0, rows * rowSize);
    }

    /// <summary>Adds each row's length of a padded input's staging (an array of <c>VBuffer&lt;T&gt;</c>) to the keys.</summary>
    private abstract class LengthReader
    {
        public abstract void AddTo(Array staging, Span<long> lengths);
    }

    private sealed class LengthReader<T> : LengthReader
    {
        public override void AddTo(Array staging, Span<long> lengths)
        {
            var rows = (Microsoft.ML.Data.VBuffer<T>[])staging;
            for (var r = 0; r < lengths.Length; r++)
            {
                lengths[r] += rows[r].Length;
            }
        }
    }
}
