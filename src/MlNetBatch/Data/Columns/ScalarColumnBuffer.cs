using Microsoft.ML.Data;

namespace MlNetBatch.Data.Columns;

/// <summary>Values of a scalar column (numbers, booleans, keys) in one array.</summary>
public sealed class ScalarColumnBuffer<T> : ColumnBuffer<T>, IDenseColumnBuffer
{
    private readonly DataViewType _type;

    /// <summary>Creates the buffer.</summary>
    public ScalarColumnBuffer(DataViewType type, int capacity)
    {
        _type = type;
        Values = new T[capacity];
    }

    /// <inheritdoc />
    public override DataViewType Type => _type;

    /// <summary>The values, one per row.</summary>
    public T[] Values { get; private set; }

    /// <inheritdoc />
    Array IDenseColumnBuffer.Items => Values;

    /// <inheritdoc />
    public override void EnsureCapacity(int rows)
    {
        if (Values.Length < rows)
        {
            Values = new T[rows];
        }
    }

    /// <inheritdoc />
    public override void CopyRows(ColumnBuffer source, int sourceStart, int destinationStart, int count) =>
        Array.Copy(((ScalarColumnBuffer<T>)source).Values, sourceStart, Values, destinationStart, count);

    /// <inheritdoc />
    public override void Get(int row, ref T value) => value = Values[row];

    /// <inheritdoc />
    public override void Set(int row, in T value) => Values[row] = value;
}
