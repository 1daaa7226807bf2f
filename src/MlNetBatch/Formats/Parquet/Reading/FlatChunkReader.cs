using System.Buffers;
using System.Runtime.CompilerServices;
using MlNetBatch.Data.Columns;
using ParquetSharp;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Reads a flat column of numbers, booleans or dates into a <see cref="ScalarColumnBuffer{T}"/>. A required column
/// stored as the column's own type decodes straight into the buffer; others go through a pooled scratch array, nulls
/// becoming NaN in float columns and bad rows elsewhere.
/// </summary>
internal sealed class FlatChunkReader<TStored, TValue, TConverter> : ColumnChunkReader
    where TStored : unmanaged
    where TConverter : struct, IValueConverter<TStored, TValue>
{
    private readonly ColumnReader<TStored> _reader;
    private readonly TConverter _converter;
    private readonly short _maxDefinition;
    private TStored[] _stored = [];
    private short[] _definitions = [];

    public FlatChunkReader(ColumnReader column, ParquetLeaf leaf, TConverter converter)
    {
        _reader = (ColumnReader<TStored>)column;
        _converter = converter;
        _maxDefinition = leaf.MaxDefinition;
    }

    /// <inheritdoc />
    public override void Read(ColumnBuffer target, int rows, ChunkScope scope)
    {
        var values = ((ScalarColumnBuffer<TValue>)target).Values;
        if (_maxDefinition == 0 && _converter.IsIdentity && values is TStored[] direct)
        {
            ReadDirect(direct, rows, scope);
            return;
        }

        Rent(rows);
        var done = 0;
        while (done < rows)
        {
            // Convert what each call read before the next: a call never reads past the end of its page.
            var levels = (int)_reader.ReadBatch(rows - done, _maxDefinition > 0 ? _definitions : default, default, _stored, out var present);
            if (levels == 0)
            {
                throw scope.Corrupt($"the column chunk ended after {done} of the chunk's {rows} rows.", done);
            }

            if (_maxDefinition == 0)
            {
                ConvertAll(values.AsSpan(done, levels), done, scope);
            }
            else
            {
                Spread(values, done, levels, (int)present, scope);
            }

            done += levels;
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _reader.Dispose();
        Return();
    }

    private void ReadDirect(TStored[] destination, int rows, ChunkScope scope)
    {
        var done = 0;
        while (done < rows)
        {
            var levels = (int)_reader.ReadBatch(rows - done, destination.AsSpan(done, rows - done), out _);
            if (levels == 0)
            {
                throw scope.Corrupt($"the column chunk ended after {done} of the chunk's {rows} rows.", done);
            }

            done += levels;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConvertAll(Span<TValue> destination, int firstRow, ChunkScope scope)
    {
        var i = 0;
        while (true)
        {
            try
            {
                for (; i < destination.Length; i++)
                {
                    destination[i] = _converter.Convert(_stored[i]);
                }

                return;
            }
            catch (Exception e) when (ChunkScope.IsConversionFailure(e))
            {
                // The row is set aside (or the read fails in strict mode); the values after it still convert.
                scope.RejectConversion<TStored, TValue>(firstRow + i, _stored[i], e);
                destination[i++] = default!;
            }
        }
    }

    /// <summary>Places the present values, packed at the front of the scratch array, on their rows; the others are nulls.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Spread(TValue[] destination, int firstRow, int levels, int present, ChunkScope scope)
    {
        if (present == levels && _converter.IsIdentity && destination is TStored[] same)
        {
            _stored.AsSpan(0, levels).CopyTo(same.AsSpan(firstRow));
            return;
        }

        var next = 0;
        var row = 0;
        while (true)
        {
            try
            {
                for (; row < levels; row++)
                {
                    destination[firstRow + row] = _definitions[row] == _maxDefinition ? _converter.Convert(_stored[next++]) : scope.Missing<TValue>(firstRow + row);
                }

                return;
            }
            catch (Exception e) when (ChunkScope.IsConversionFailure(e))
            {
                scope.RejectConversion<TStored, TValue>(firstRow + row, _stored[next - 1], e);
                destination[firstRow + row++] = default!;
            }
        }
    }

    private void Rent(int rows)
    {
        if (_stored.Length < rows)
        {
            Return();
            _stored = ArrayPool<TStored>.Shared.Rent(rows);
            _definitions = ArrayPool<short>.Shared.Rent(rows);
        }
    }

    private void Return()
    {
        if (_stored.Length > 0)
        {
            ArrayPool<TStored>.Shared.Return(_stored);
            ArrayPool<short>.Shared.Return(_definitions);
            _stored = [];
            _definitions = [];
        }
    }
}
