using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring;

/// <summary>
/// Stages a text column for a string input. Only the references move: a block's text arena is never written again
/// once its values were handed out (see <see cref="TextColumnBuffer"/>), so the staged text stays valid.
/// </summary>
internal sealed class TextInputPacker(DataViewRow row, DataViewSchema.Column column, int rowSize, int offset) : InputPacker
{
    private readonly ValueGetter<ReadOnlyMemory<char>> _getter = row.GetGetter<ReadOnlyMemory<char>>(column);
    private ReadOnlyMemory<char>[] _tensor = [];

    public override void SetTarget(Array tensor) => _tensor = (ReadOnlyMemory<char>[])tensor;

    public override void Pack(int row) => _getter(ref _tensor[(row * rowSize) + offset]);

    public override void PackBlock(RecordBatch block, int start, int row, int count)
    {
        var values = block.Column<TextColumnBuffer>(column.Index).Values;
        for (var i = 0; i < count; i++)
        {
            _tensor[((row + i) * rowSize) + offset] = values[start + i];
        }
    }
}
