using MlNetBatch.Data.Columns;

namespace MlNetBatch.Data;

/// <summary>A block of rows held column by column: the unit that flows between reading, scoring and writing.</summary>
public sealed class RecordBatch
{
    /// <summary>Creates a batch with one buffer per schema column; inactive columns have no buffer.</summary>
    public RecordBatch(ColumnBuffer?[] columns)
    {
        Columns = columns;
    }

    /// <summary>Buffers indexed by schema column index; <c>null</c> where the column is not read.</summary>
    public ColumnBuffer?[] Columns { get; }

    /// <summary>The number of valid rows in the buffers.</summary>
    public int RowCount { get; set; }

    /// <summary>The partition the rows came from, for row ids and error messages.</summary>
    public Partition? Partition { get; set; }

    /// <summary>The index, within its partition, of the first row of this batch.</summary>
    public long FirstRowInPartition { get; set; }

    /// <summary>Makes room for <paramref name="rows"/> rows in every buffer and empties the batch.</summary>
    public void Reset(int rows)
    {
        foreach (var column in Columns)
        {
            column?.EnsureCapacity(rows);
        }

        RowCount = 0;
    }

    /// <summary>The typed buffer of column <paramref name="index"/>.</summary>
    public TBuffer Column<TBuffer>(int index)
        where TBuffer : ColumnBuffer =>
        (TBuffer)(Columns[index] ?? throw new InvalidOperationException($"Column {index} is not active in this batch."));
}
