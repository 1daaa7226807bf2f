using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using MlNetBatch.Data.Columns;
using ParquetSharp;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Reads a flat BYTE_ARRAY column (encoded images, say) as raw bytes into a variable-size <c>byte</c> vector column:
/// each value is copied out of Arrow's page memory into the row's own reused vector. Nulls read as empty vectors.
/// </summary>
internal sealed class BinaryChunkReader : ColumnChunkReader
{
    private readonly ColumnReader<ByteArray> _reader;
    private readonly short _maxDefinition;
    private ByteArray[] _values = [];
    private short[] _definitions = [];
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(4096);

    public BinaryChunkReader(ColumnReader<ByteArray> column, ParquetLeaf leaf)
    {
        _reader = column;
        _maxDefinition = leaf.MaxDefinition;
    }

    /// <inheritdoc />
    public override void Read(ColumnBuffer target, int rows, ChunkScope scope)
    {
        var bytes = ((VariableVectorColumnBuffer<byte>)target).Values;
        if (_values.Length < rows)
        {
            ReturnLevels();
            _values = ArrayPool<ByteArray>.Shared.Rent(rows);
            _definitions = ArrayPool<short>.Shared.Rent(rows);
        }

        var done = 0;
        while (done < rows)
        {
            // The values point into the current page, which the next call may release: copy them first.
            var levels = (int)_reader.ReadBatch(rows - done, _maxDefinition > 0 ? _definitions : default, default, _values, out _);
            if (levels == 0)
            {
                throw scope.Corrupt($"the column chunk ended after {done} of the chunk's {rows} rows.", done);
            }

            var next = 0;
            for (var row = 0; row < levels; row++)
            {
                var value = _maxDefinition > 0 && _definitions[row] != _maxDefinition ? default : _values[next++];
                var editor = VBufferEditor.Create(ref bytes[done + row], value.Length, keepOldOnResize: false);
                if (value.Length > 0)
                {
                    // The library builds without unsafe code, so page memory is copied through a reused array.
                    if (value.Length > _scratch.Length)
                    {
                        ArrayPool<byte>.Shared.Return(_scratch);
                        _scratch = ArrayPool<byte>.Shared.Rent(value.Length);
                    }

                    Marshal.Copy(value.Pointer, _scratch, 0, value.Length);
                    _scratch.AsSpan(0, value.Length).CopyTo(editor.Values);
                }

                bytes[done + row] = editor.Commit();
            }

            done += levels;
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _reader.Dispose();
        ReturnLevels();
        ArrayPool<byte>.Shared.Return(_scratch);
        _scratch = [];
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
