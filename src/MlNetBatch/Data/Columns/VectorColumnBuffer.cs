using Microsoft.ML.Data;

namespace MlNetBatch.Data.Columns;

/// <summary>Values of a fixed-size vector column, stored densely row after row in one array.</summary>
public sealed class VectorColumnBuffer<T> : ColumnBuffer<VBuffer<T>>, IDenseColumnBuffer
{
    private readonly VectorDataViewType _type;

    /// <summary>Creates the buffer.</summary>
    public VectorColumnBuffer(DataViewType type, int capacity)
    {
        _type = (VectorDataViewType)type;
        Size = _type.Size;
        Values = new T[capacity * Size];
    }

    /// <inheritdoc />
    public override DataViewType Type => _type;

    /// <summary>The number of items in each row's vector.</summary>
    public int Size { get; }

    /// <summary>All rows' items: row <c>r</c> occupies <c>[r * Size, (r + 1) * Size)</c>.</summary>
    public T[] Values { get; private set; }

    /// <summary>The items of one row.</summary>
    public Span<T> Row(int row) => Values.AsSpan(row * Size, Size);

    /// <inheritdoc />
    Array IDenseColumnBuffer.Items => Values;

    /// <inheritdoc />
    public override void EnsureCapacity(int rows)
    {
        if (Values.Length < rows * Size)
        {
            Values = new T[rows * Size];
        }
    }

    /// <inheritdoc />
    public override void CopyRows(ColumnBuffer source, int sourceStart, int destinationStart, int count) =>
        Array.Copy(((VectorColumnBuffer<T>)source).Values, sourceStart * Size, Values, destinationStart * Size, count * Size);

    /// <inheritdoc />
    public override void Get(int row, ref VBuffer<T> value)
    {
        var editor = VBufferEditor.Create(ref value, Size);
        Row(row).CopyTo(editor.Values);
        value = editor.Commit();
    }

    /// <inheritdoc />
    public override void Set(int row, in VBuffer<T> value)
    {
        if (value.Length != Size)
        {
            throw new InvalidOperationException($"A vector of {value.Length} items cannot be stored in a column of size {Size}.");
        }

        value.CopyTo(Row(row));
    }
}
