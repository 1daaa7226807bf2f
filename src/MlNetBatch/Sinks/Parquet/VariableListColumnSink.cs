using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using MlNetBatch.Data.Columns;
using ParquetSharp;
using ParquetSharp.Schema;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>A vector column whose size varies by row, stored as lists; sparse vectors are written dense.</summary>
internal sealed class VariableListColumnSink<T>(SinkColumn column) : ParquetColumnSink(column)
    where T : unmanaged
{
    // The batch flattened: items, their levels, and where each row's levels and items start (one more entry than rows).
    private T[] _items = [];
    private short[] _definitions = [];
    private short[] _repetitions = [];
    private int[] _levelStart = [];
    private int[] _itemStart = [];
    private int[] _wide = [];

    public override string[] LeafPath => [Column.Name, ParquetNodes.ListGroupName, ParquetNodes.ElementName];

    public override int FixedRowBytes => 0;

    public override bool HasVariableRowBytes => true;

    public override bool UseDictionary => false;

    public override Node CreateNode() => ParquetNodes.List(Column.Name, ((VectorDataViewType)Column.Type).ItemType);

    public override void Prepare(ColumnBuffer buffer, int rows)
    {
        var vectors = ((VariableVectorColumnBuffer<T>)buffer).Values.AsSpan(0, rows);
        long items = 0;
        foreach (var vector in vectors)
        {
            items += vector.Length;
        }

        // An empty list still takes one level, with no item.
        var levels = checked((int)(items + rows));
        EnsureCapacity(ref _items, checked((int)items));
        EnsureCapacity(ref _definitions, levels);
        EnsureCapacity(ref _repetitions, levels);
        EnsureCapacity(ref _levelStart, rows + 1);
        EnsureCapacity(ref _itemStart, rows + 1);
        int level = 0, item = 0;
        for (var row = 0; row < vectors.Length; row++)
        {
            _levelStart[row] = level;
            _itemStart[row] = item;
            var vector = vectors[row];
            if (vector.Length == 0)
            {
                // The list is there (1) but holds nothing.
                _definitions[level] = 1;
                _repetitions[level++] = 0;
                continue;
            }

            var destination = _items.AsSpan(item, vector.Length);
            if (vector.IsDense)
            {
                vector.GetValues().CopyTo(destination);
            }
            else
            {
                destination.Clear();
                var indices = vector.GetIndices();
                var values = vector.GetValues();
                for (var k = 0; k < indices.Length; k++)
                {
                    destination[indices[k]] = values[k];
                }
            }

            _definitions.AsSpan(level, vector.Length).Fill(2);
            _repetitions.AsSpan(level, vector.Length).Fill(1);
            _repetitions[level] = 0;
            level += vector.Length;
            item += vector.Length;
        }

        _levelStart[rows] = level;
        _itemStart[rows] = item;
    }

    public override void AddRowBytes(Span<long> rowBytes)
    {
        for (var row = 0; row < rowBytes.Length; row++)
        {
            rowBytes[row] += (long)(_itemStart[row + 1] - _itemStart[row]) * Unsafe.SizeOf<T>();
        }
    }

    public override void Write(ColumnWriter writer, ColumnBuffer buffer, int start, int count)
    {
        var firstLevel = _levelStart[start];
        var levels = _levelStart[start + count] - firstLevel;
        var firstItem = _itemStart[start];
        ParquetValues.Write<T>(
            writer,
            _items.AsSpan(firstItem, _itemStart[start + count] - firstItem),
            _definitions.AsSpan(firstLevel, levels),
            _repetitions.AsSpan(firstLevel, levels),
            levels,
            ref _wide);
    }

    private static void EnsureCapacity<TItem>(ref TItem[] array, int length)
    {
        if (array.Length < length)
        {
            array = new TItem[Math.Max(length, array.Length * 2)];
        }
    }
}
