using System.Buffers;
using System.Runtime.InteropServices;
using MlNetBatch.Data.Columns;
using ParquetSharp;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Reads a flat BYTE_ARRAY column a chunk at a time: each value is copied out of Arrow's page memory (which the next
/// batch may release) into a reused byte buffer, since the library builds without unsafe code, and handed to
/// <see cref="Store"/>, which keeps it in the target column as text or bytes. Nulls are handed on as empty values.
/// </summary>
internal abstract class ByteArrayChunkReader : ColumnChunkReader
{
    private readonly ColumnReader<ByteArray> _reader;
    private readonly short _maxDefinition;
    private ByteArray[] _values = [];
    private short[] _definitions = [];
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(4096);

    protected ByteArrayChunkReader(ColumnReader<ByteArray> column, ParquetLeaf leaf)
    {
        _reader = column;
        _maxDefinition = leaf.MaxDefinition;
    }

    /// <inheritdoc />
    public override void Read(ColumnBuffer target, int rows, ChunkScope scope)
    {
        if (_values.Length < rows)
        {
            ReturnLevels();
            _values = ArrayPool<ByteArray>.Shared.Rent(rows);
            _definitions = ArrayPool<short>.Shared.Rent(rows);
        }

        var done = 0;
        while (done < rows)
        {
            var levels = (int)_reader.ReadBatch(rows - done, _maxDefinition > 0 ? _definitions : default, default, _values, out _);
            if (levels == 0)
            {
                throw scope.Corrupt($"the column chunk ended after {done} of the chunk's {rows} rows.", done);
            }

            var next = 0;
            for (var row = 0; row < levels; row++)
            {
                var value = _maxDefinition > 0 && _definitions[row] != _maxDefinition ? default : _values[next++];
                if (value.Length > _bytes.Length)
                {
                    ArrayPool<byte>.Shared.Return(_bytes);
                    _bytes = ArrayPool<byte>.Shared.Rent(value.Length);
                }

                if (value.Length > 0)
                {
                    Marshal.Copy(value.Pointer, _bytes, 0, value.Length);
                }

                Store(target, done + row, _bytes.AsSpan(0, value.Length));
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

    /// <summary>Keeps <paramref name="value"/> (empty for a null) as row <paramref name="row"/> of <paramref name="target"/>; it is only valid during the call.</summary>
    protected abstract void Store(ColumnBuffer target, int row, ReadOnlySpan<byte> value);

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
