using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Data.Columns;

/// <summary>
/// A column's values for a block of rows, held in arrays that are reused from block to block.
/// Sources fill them from files; the scorer and the sinks fill them from upstream rows.
/// </summary>
public abstract class ColumnBuffer
{
    /// <summary>The ML.NET type of the values.</summary>
    public abstract DataViewType Type { get; }

    /// <summary>Grows the buffer so it holds at least <paramref name="rows"/> rows; keeps no old values.</summary>
    public abstract void EnsureCapacity(int rows);

    /// <summary>
    /// Copies <paramref name="count"/> rows of <paramref name="source"/> (a buffer of the same type) starting at
    /// <paramref name="sourceStart"/> into this buffer at <paramref name="destinationStart"/>.
    /// </summary>
    public abstract void CopyRows(ColumnBuffer source, int sourceStart, int destinationStart, int count);

    /// <summary>Returns an action that copies the row's current value of <paramref name="column"/> into a slot.</summary>
    public abstract Action<int> CreateCopier(DataViewRow row, DataViewSchema.Column column);

    /// <summary>Creates an empty buffer for values of <paramref name="type"/>.</summary>
    public static ColumnBuffer Create(DataViewType type, int capacity)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type switch
        {
            TextDataViewType => new TextColumnBuffer(type, capacity),
            VectorDataViewType { IsKnownSize: true } vector => GenericActivator.Create<ColumnBuffer>(typeof(VectorColumnBuffer<>), vector.ItemType.RawType, type, capacity),
            VectorDataViewType vector => GenericActivator.Create<ColumnBuffer>(typeof(VariableVectorColumnBuffer<>), vector.ItemType.RawType, type, capacity),
            _ => GenericActivator.Create<ColumnBuffer>(typeof(ScalarColumnBuffer<>), type.RawType, type, capacity),
        };
    }
}

/// <summary>A <see cref="ColumnBuffer"/> whose rows are read as <typeparamref name="TValue"/> by ML.NET getters.</summary>
public abstract class ColumnBuffer<TValue> : ColumnBuffer
{
    /// <summary>Reads the value in slot <paramref name="row"/> into <paramref name="value"/>, reusing its memory.</summary>
    public abstract void Get(int row, ref TValue value);

    /// <summary>Stores <paramref name="value"/> (copied, so the caller may reuse it) in slot <paramref name="row"/>.</summary>
    public abstract void Set(int row, in TValue value);

    /// <inheritdoc />
    /// <remarks>Row by row through <see cref="Get"/> and <see cref="Set"/>; buffers of flat arrays override it with a block copy.</remarks>
    public override void CopyRows(ColumnBuffer source, int sourceStart, int destinationStart, int count)
    {
        var typed = (ColumnBuffer<TValue>)source;
        TValue scratch = default!;
        for (var i = 0; i < count; i++)
        {
            typed.Get(sourceStart + i, ref scratch);
            Set(destinationStart + i, scratch);
        }
    }

    /// <inheritdoc />
    public override Action<int> CreateCopier(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<TValue>(column);
        TValue scratch = default!;
        return slot =>
        {
            getter(ref scratch);
            Set(slot, scratch);
        };
    }
}
