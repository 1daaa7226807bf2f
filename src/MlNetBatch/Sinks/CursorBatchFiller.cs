using Microsoft.ML;
using MlNetBatch.Data;

namespace MlNetBatch.Sinks;

/// <summary>
/// Copies the sink columns of a cursor's rows into batches rented from a pool: yields each full batch, then the last
/// (possibly empty) one. The consumer returns a batch to the pool once written; returned before the next is asked
/// for, one batch is reused throughout.
/// </summary>
internal sealed class CursorBatchFiller(DataViewRowCursor cursor, DataViewSchema schema, IReadOnlyList<SinkColumn> columns, RecordBatchPool pool)
{
    /// <summary>The batches, filled as they are enumerated.</summary>
    public IEnumerable<RecordBatch> Fill() => cursor is BlockRowCursor blocks ? CopyBlocks(blocks) : CopyRows();

    /// <summary>A pool for the sink columns of <paramref name="schema"/>.</summary>
    public static RecordBatchPool CreatePool(DataViewSchema schema, IReadOnlyList<SinkColumn> columns, int blockRows)
    {
        var active = new bool[schema.Count];
        foreach (var column in columns)
        {
            active[column.SourceIndex] = true;
        }

        return new RecordBatchPool(schema, active, blockRows);
    }

    /// <summary>MlNetBatch's own cursors hand over whole blocks: columns are copied in bulk, no getter per value.</summary>
    private IEnumerable<RecordBatch> CopyBlocks(BlockRowCursor blocks)
    {
        var batch = pool.Rent();
        var rows = 0;
        while (blocks.TryTakeBlock(out var block, out var start, out var count))
        {
            while (count > 0)
            {
                var take = Math.Min(count, pool.Rows - rows);
                foreach (var column in columns)
                {
                    batch.Columns[column.SourceIndex]!.CopyRows(block.Columns[column.SourceIndex]!, start, rows, take);
                }

                rows += take;
                start += take;
                count -= take;
                if (rows == pool.Rows)
                {
                    batch.RowCount = rows;
                    yield return batch;
                    batch = pool.Rent();
                    rows = 0;
                }
            }
        }

        batch.RowCount = rows;
        yield return batch;
    }

    private IEnumerable<RecordBatch> CopyRows()
    {
        // A copier writes into the batch it was made for; the few batches in circulation each keep theirs.
        var copiersByBatch = new Dictionary<RecordBatch, Action<int>[]>(ReferenceEqualityComparer.Instance);
        Action<int>[] CopiersFor(RecordBatch batch)
        {
            if (!copiersByBatch.TryGetValue(batch, out var copiers))
            {
                copiers = columns.Select(c => batch.Columns[c.SourceIndex]!.CreateCopier(cursor, schema[c.SourceIndex])).ToArray();
                copiersByBatch.Add(batch, copiers);
            }

            return copiers;
        }

        var batch = pool.Rent();
        var copiers = CopiersFor(batch);
        var rows = 0;
        while (cursor.MoveNext())
        {
            for (var c = 0; c < copiers.Length; c++)
            {
                copiers[c](rows);
            }

            if (++rows == pool.Rows)
            {
                batch.RowCount = rows;
                yield return batch;
                batch = pool.Rent();
                copiers = CopiersFor(batch);
                rows = 0;
            }
        }

        batch.RowCount = rows;
        yield return batch;
    }
}
