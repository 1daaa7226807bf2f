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

    /// <summary>
    /// Drops rows, moving the later ones down in every column; <paramref name="moved"/> hears each move
    /// (from, to) so that arrays kept beside the batch can follow.
    /// </summary>
    public void RemoveRows(IReadOnlySet<int> rows, Action<int, int>? moved = null)
    {
        var kept = 0;
        for (var row = 0; row < RowCount; row++)
        {
            if (rows.Contains(row))
            {
                continue;
            }

            if (kept != row)
            {
                foreach (var column in Columns)
                {
                    column?.CopyRows(column, row, kept, 1);
                }

                moved?.Invoke(row, kept);
            }

            kept++;
        }

        RowCount = kept;
    }

    /// <summary>The typed buffer of column <paramref name="index"/>.</summary>
    public TBuffer Column<TBuffer>(int index)
        where TBuffer : ColumnBuffer =>
        (TBuffer)(Columns[index] ?? throw new InvalidOperationException($"Column {index} is not active in this batch."));
}
