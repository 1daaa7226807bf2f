using MlNetBatch.Data.Columns;
using ParquetSharp;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Reads a flat BYTE_ARRAY column as UTF-8 text into a <see cref="TextColumnBuffer"/>, decoded into the buffer's
/// character arena, so there is no string per row. Nulls read as empty text.
/// </summary>
internal sealed class TextChunkReader(ColumnReader<ByteArray> column, ParquetLeaf leaf) : ByteArrayChunkReader(column, leaf)
{
    /// <inheritdoc />
    protected override void Store(ColumnBuffer target, int row, ReadOnlySpan<byte> value) => ((TextColumnBuffer)target).SetUtf8(row, value);
}
