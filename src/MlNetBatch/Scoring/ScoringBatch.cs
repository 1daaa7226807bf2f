using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring;

/// <summary>
/// One slot of the scoring pipeline: the rows' pass-through values, the model's input tensors, and the
/// output columns that ONNX Runtime writes into directly. Slots are reused, so steady state allocates nothing.
/// </summary>
internal sealed class ScoringBatch(RecordBatch rows, Array[] inputTensors, DataViewRowId[] rowIds, long[] batchIds)
{
    /// <summary>Pass-through and output columns, indexed by output schema column.</summary>
    public RecordBatch Rows { get; } = rows;

    /// <summary>One flat array per model input: row <c>r</c> at <c>[r * RowSize, (r + 1) * RowSize)</c>.</summary>
    public Array[] InputTensors { get; } = inputTensors;

    /// <summary>The input rows' ids, so output rows keep them.</summary>
    public DataViewRowId[] RowIds { get; } = rowIds;

    /// <summary>The input rows' batch ids (see <see cref="Data.BlockRowCursor.Batch"/>), so consolidation keeps input order.</summary>
    public long[] BatchIds { get; } = batchIds;
}
