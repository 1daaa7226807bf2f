using Microsoft.ML.Data;
using MlNetBatch.Data.Columns;
using ParquetSharp;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Reads a flat BYTE_ARRAY column (encoded images, say) as raw bytes into a variable-size <c>byte</c> vector column,
/// each value into the row's own reused vector. Nulls read as empty vectors.
/// </summary>
internal sealed class BinaryChunkReader(ColumnReader<ByteArray> column, ParquetLeaf leaf) : ByteArrayChunkReader(column, leaf)
{
    /// <inheritdoc />
    protected override void Store(ColumnBuffer target, int row, ReadOnlySpan<byte> value)
    {
        ref var vector = ref ((VariableVectorColumnBuffer<byte>)target).Values[row];
        var editor = VBufferEditor.Create(ref vector, value.Length, keepOldOnResize: false);
        value.CopyTo(editor.Values);
        vector = editor.Commit();
    }
}
