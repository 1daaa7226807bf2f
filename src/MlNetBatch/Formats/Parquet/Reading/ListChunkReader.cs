using System.Buffers;
using Microsoft.ML.Data;
using MlNetBatch.Data.Columns;
using ParquetSharp;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Reads a list column into a fixed-size <see cref="VectorColumnBuffer{T}"/> (every list must have its size) or a
/// <see cref="VariableVectorColumnBuffer{T}"/>. A read from Parquet ends at a page or buffer boundary, not at a row's
/// end, so the levels and values after the last whole row wait for the next chunk.
/// </summary>
internal sealed class ListChunkReader<TStored, TValue, TConverter> : ColumnChunkReader
    where TStored : unmanaged
    where TConverter : struct, IValueConverter<TStored, TValue>
{
    private readonly ColumnReader<TStored> _reader;
    private readonly TConverter _converter;
    private readonly short _maxDefinition;
    private readonly short _itemDefinition;
    private short[] _definitions = [];
    private short[] _repetitions = [];
    private TStored[] _values = [];
    private int _levels;
    private int _present;
    private int _rowStarts;
    private bool _ended;

    public ListChunkReader(ColumnReader column, ParquetLeaf leaf, TConverter converter)
    {
        _reader = (ColumnReader<TStored>)column;
        _converter = converter;
        _maxDefinition = leaf.MaxDefinition;
        _itemDefinition = leaf.ItemDefinition;
    }

    /// <inheritdoc />
    public override void Read(ColumnBuffer target, int rows, ChunkScope scope)
    {
        var size = target is VectorColumnBuffer<TValue> fixedSize ? fixedSize.Size : 0;
        // One row start beyond the chunk tells where its last row ends.
        Fill(rows + 1, (rows + 1) * Math.Max(size, 4));
        if (_rowStarts < rows)
        {
            throw scope.Corrupt($"the list column ended after {_rowStarts} of the chunk's {rows} rows.", _rowStarts);
        }

        var level = 0;
        var value = 0;
        for (var row = 0; row < rows; row++)
        {
            var start = level;
            var items = 0;
            do
            {
                if (_definitions[level] >= _itemDefinition)
                {
                    items++;
                }

                level++;
            }
            while (level < _levels && _repetitions[level] != 0);

            if (target is VectorColumnBuffer<TValue> vectors)
            {
                if (items != size)
                {
                    // Strict mode throws here; otherwise the row is set aside and its values skipped, so later rows stay aligned.
                    scope.RejectInvalid(
                        row, $"the list holds {items} items but the column is a vector of {size}; every row of a vector column must hold the same number of items.");
                    value += CountPresent(start, level);
                    vectors.Values.AsSpan(row * size, size).Clear();
                    continue;
                }

                Place(vectors.Values.AsSpan(row * size, size), start, level, ref value, row, scope);
            }
            else
            {
                var variable = (VariableVectorColumnBuffer<TValue>)target;
                var editor = VBufferEditor.Create(ref variable.Values[row], items);
                Place(editor.Values, start, level, ref value, row, scope);
                variable.Values[row] = editor.Commit();
            }
        }

        // Keep what belongs to the next rows at the front of the buffers.
        _definitions.AsSpan(level, _levels - level).CopyTo(_definitions);
        _repetitions.AsSpan(level, _levels - level).CopyTo(_repetitions);
        _values.AsSpan(value, _present - value).CopyTo(_values);
        _levels -= level;
        _present -= value;
        _rowStarts -= rows;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _reader.Dispose();
        Return();
    }

    private void Place(Span<TValue> destination, int start, int end, ref int value, int row, ChunkScope scope)
    {
        var item = 0;
        try
        {
            for (var level = start; level < end; level++)
            {
                if (_definitions[level] == _maxDefinition)
                {
                    destination[item++] = _converter.Convert(_values[value++]);
                }
                else if (_definitions[level] >= _itemDefinition)
                {
                    // An item that is itself null: ML.NET has no null items, only NaN for floats.
                    destination[item++] = scope.Missing<TValue>(row);
                }
            }
        }
        catch (Exception e) when (ChunkScope.IsConversionFailure(e))
        {
            throw scope.ConversionError<TStored, TValue>(row, _values[value - 1], e);
        }
    }

    /// <summary>How many of the levels in [start, end) carry a stored value.</summary>
    private int CountPresent(int start, int end)
    {
        var present = 0;
        foreach (var definition in _definitions.AsSpan(start, end - start))
        {
            if (definition == _maxDefinition)
            {
                present++;
            }
        }

        return present;
    }

    /// <summary>Reads levels until <paramref name="rowStarts"/> rows have started or the column chunk ends.</summary>
    private void Fill(int rowStarts, int capacity)
    {
        while (!_ended && _rowStarts < rowStarts)
        {
            if (_definitions.Length - _levels < capacity / 2)
            {
                Grow(Math.Max(_levels + capacity, 2 * _definitions.Length));
            }

            var free = _definitions.Length - _levels;
            var levels = (int)_reader.ReadBatch(free, _definitions.AsSpan(_levels), _repetitions.AsSpan(_levels), _values.AsSpan(_present), out var present);
            if (levels == 0)
            {
                _ended = true;
                break;
            }

            foreach (var repetition in _repetitions.AsSpan(_levels, levels))
            {
                if (repetition == 0)
                {
                    _rowStarts++;
                }
            }

            _levels += levels;
            _present += (int)present;
        }
    }

    private void Grow(int length)
    {
        var definitions = ArrayPool<short>.Shared.Rent(length);
        var repetitions = ArrayPool<short>.Shared.Rent(length);
        var values = ArrayPool<TStored>.Shared.Rent(length);
        _definitions.AsSpan(0, _levels).CopyTo(definitions);
        _repetitions.AsSpan(0, _levels).CopyTo(repetitions);
        _values.AsSpan(0, _present).CopyTo(values);
        Return();
        (_definitions, _repetitions, _values) = (definitions, repetitions, values);
    }

    private void Return()
    {
        if (_definitions.Length > 0)
        {
            ArrayPool<short>.Shared.Return(_definitions);
            ArrayPool<short>.Shared.Return(_repetitions);
            ArrayPool<TStored>.Shared.Return(_values);
            _definitions = _repetitions = [];
            _values = [];
        }
    }
}
