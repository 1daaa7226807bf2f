using System.Collections.Concurrent;
using Microsoft.ML;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Data;

/// <summary>Recycles <see cref="RecordBatch"/>es of one shape so that steady-state streaming allocates nothing.</summary>
public sealed class RecordBatchPool
{
    private readonly DataViewSchema _schema;
    private readonly bool[] _active;
    private readonly int _rows;
    private readonly ConcurrentBag<RecordBatch> _free = [];

    /// <summary>Creates a pool of batches with buffers for the active columns of <paramref name="schema"/>.</summary>
    public RecordBatchPool(DataViewSchema schema, bool[] active, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        _schema = schema;
        _active = active;
        _rows = rows;
    }

    /// <summary>The number of rows each batch is sized for.</summary>
    public int Rows => _rows;

    /// <summary>An empty batch sized for <see cref="Rows"/> rows (or more, when <paramref name="rows"/> asks).</summary>
    public RecordBatch Rent(int rows = 0)
    {
        if (!_free.TryTake(out var batch))
        {
            var columns = new ColumnBuffer?[_schema.Count];
            for (var i = 0; i < columns.Length; i++)
            {
                if (_active[i])
                {
                    columns[i] = ColumnBuffer.Create(_schema[i].Type, _rows);
                }
            }

            batch = new RecordBatch(columns);
        }

        batch.Reset(Math.Max(rows, _rows));
        batch.Partition = null;
        batch.FirstRowInPartition = 0;
        return batch;
    }

    /// <summary>Gives a batch back once nobody reads it any more.</summary>
    public void Return(RecordBatch batch) => _free.Add(batch);
}
