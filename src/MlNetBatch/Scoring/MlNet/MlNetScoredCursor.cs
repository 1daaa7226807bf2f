using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Scoring.MlNet;

/// <summary>A cursor over an ML.NET model's output that reads each column of <see cref="MlNetScoredDataView"/> from the column it maps to.</summary>
internal sealed class MlNetScoredCursor(MlNetScoredDataView view, DataViewRowCursor scored, bool[] active) : DataViewRowCursor
{
    public override DataViewSchema Schema => view.Schema;

    public override long Position => scored.Position;

    public override long Batch => scored.Batch;

    public override bool MoveNext() => scored.MoveNext();

    public override ValueGetter<DataViewRowId> GetIdGetter() => scored.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!active[column.Index])
        {
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
        }

        return scored.GetGetter<TValue>(view.ScoredColumn(column.Index));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            scored.Dispose();
        }

        base.Dispose(disposing);
    }
}
