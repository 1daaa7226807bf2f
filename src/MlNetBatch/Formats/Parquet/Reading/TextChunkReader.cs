using System.Buffers;
using System.Runtime.InteropServices;
using MlNetBatch.Data.Columns;
using ParquetSharp;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Reads a flat BYTE_ARRAY column as UTF-8 text into a <see cref="TextColumnBuffer"/>: each value is copied out of
/// Arrow's page memory into a reused byte buffer (the library builds without unsafe code) and decoded into the
/// buffer's character arena, so there is no string per row. Nulls read as empty text.
/// </summary>
internal sealed class TextChunkReader : ColumnChunkReader
{
    private readonly ColumnReader<ByteArray> _reader;
    private readonly short _maxDefinition;
    private ByteArray[] _values = [];
    private short[] _definitions = [];
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(256);

    public TextChunkReader(ColumnReader<ByteArray> column, ParquetLeaf leaf)
    {
        _reader = column;
        _maxDefinition = leaf.MaxDefinition;
    }

    /// <inheritdoc />
    public override void Read(ColumnBuffer target, int rows, ChunkScope scope)
    {
        var text = (TextColumnBuffer)target;
        if (_values.Length < rows)
        {
            ReturnLevels();
            _values = ArrayPool<ByteArray>.Shared.Rent(rows);
            _definitions = ArrayPool<short>.Shared.Rent(rows);
        }

        var done = 0;
        while (done < rows)
        {
            // The values point into the current page, which the next call may release: decode them first.
            var levels = (int)_reader.ReadBatch(rows - done, _maxDefinition > 0 ? _definitions : default, default, _values, out _);
            if (levels == 0)
            {
                throw scope.Corrupt($"the column chunk ended after {done} of the chunk's {rows} rows.", done);
            }

            var next = 0;
            for (var row = 0; row < levels; row++)
            {
                if (_maxDefinition > 0 && _definitions[row] != _maxDefinition)
                {
                    text.Values[done + row] = ReadOnlyMemory<char>.Empty;
                    continue;
                }

                var value = _values[next++];
                if (value.Length > _bytes.Length)
                {
                    ArrayPool<byte>.Shared.Return(_bytes);
                    _bytes = ArrayPool<byte>.Shared.Rent(value.Length);
                }

                if (value.Length > 0)
                {
                    Marshal.Copy(value.Pointer, _bytes, 0, value.Length);
                }

                text.SetUtf8(done + row, _bytes.AsSpan(0, value.Length));
            }

            done += levels;
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _reader.Dispose();
        ReturnLevels();
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
    }

    private void ReturnLevels()
    {
        if (_values.Length > 0)
        {
            ArrayPool<ByteArray>.Shared.Return(_values);
            ArrayPool<short>.Shared.Return(_definitions);
            _values = [];
            _definitions = [];
        }
    }
}
