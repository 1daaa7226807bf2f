using Microsoft.ML.Data;

namespace MlNetBatch.Data.Columns;

/// <summary>Values of a vector column whose size varies by row; each slot keeps its own reusable buffer.</summary>
public sealed class VariableVectorColumnBuffer<T> : ColumnBuffer<VBuffer<T>>
{
    private readonly DataViewType _type;
    private VBuffer<T>[] _values;

    /// <summary>Creates the buffer.</summary>
    public VariableVectorColumnBuffer(DataViewType type, int capacity)
    {
        _type = type;
        _values = new VBuffer<T>[capacity];
    }

    /// <inheritdoc />
    public override DataViewType Type => _type;

    /// <summary>The values, one per row.</summary>
    public VBuffer<T>[] Values => _values;

    /// <inheritdoc />
    public override void EnsureCapacity(int rows)
    {
        if (Values.Length < rows)
        {
            // Resize keeps the old slots so their item arrays are reused.
            Array.Resize(ref _values, rows);
        }
    }

    /// <inheritdoc />
    public override void Get(int row, ref VBuffer<T> value) => Values[row].CopyTo(ref value);

    /// <inheritdoc />
    public override void Set(int row, in VBuffer<T> value) => value.CopyTo(ref Values[row]);
}
