using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Backends;

namespace MlNetBatch.Tests.Scoring.Backends;

/// <summary>Slots built by hand for a model: its output columns first (column 0 on), its input tensors filled by the caller.</summary>
internal static class TestSlots
{
    /// <summary>A slot of <paramref name="rows"/> rows for <paramref name="model"/>, inputs zeroed, outputs at column 0 on.</summary>
    public static ScoringBatch For(OnnxScoringModel model, int rows)
    {
        var columns = new ColumnBuffer?[model.Outputs.Count];
        for (var o = 0; o < columns.Length; o++)
        {
            var spec = model.Outputs[o];
            DataViewType type = spec.RowSize == 1 ? spec.ItemType : new VectorDataViewType(spec.ItemType, spec.RowSize);
            columns[o] = ColumnBuffer.Create(type, rows);
        }

        var tensors = model.Inputs.Select(spec => Array.CreateInstance(spec.ItemType.RawType, rows * spec.RowSize)).ToArray();
        var batch = new RecordBatch(columns);
        batch.Reset(rows);
        batch.RowCount = rows;
        var rowIds = Enumerable.Range(0, rows).Select(r => new DataViewRowId((ulong)r, 0)).ToArray();
        return new ScoringBatch(batch, tensors, rowIds, new long[rows]);
    }

    /// <summary>The values model output <paramref name="output"/> holds in <paramref name="slot"/>, rows <c>[0, rows)</c>.</summary>
    public static T[] Output<T>(ScoringBatch slot, OnnxScoringModel model, int output, int rows) =>
        ((T[])((IDenseColumnBuffer)slot.Rows.Columns[output]!).Items).AsSpan(0, rows * model.Outputs[output].RowSize).ToArray();
}
