using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring;

/// <summary>
/// Stages a column of varying length (token ids) for a padded input: one vector per row, copied into the slot's own
/// reusable vectors; the padding is laid out when a run's tensor is made.
/// </summary>
internal sealed class VariableVectorInputPacker<T>(DataViewRow row, DataViewSchema.Column column) : InputPacker
{
    private readonly ValueGetter<VBuffer<T>> _getter = row.GetGetter<VBuffer<T>>(column);
    private VBuffer<T>[] _rows = [];

    public override void SetTarget(Array tensor) => _rows = (VBuffer<T>[])tensor;

    public override void Pack(int row) => _getter(ref _rows[row]);

    public override void PackBlock(RecordBatch block, int start, int row, int count)
    {
        var source = block.Column<ColumnBuffer<VBuffer<T>>>(column.Index);
        for (var i = 0; i < count; i++)
        {
            source.Get(start + i, ref _rows[row + i]);
        }
    }
}
