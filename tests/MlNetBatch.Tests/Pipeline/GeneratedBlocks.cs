using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Tests.Pipeline;

/// <summary>
/// A source of blocks of random sizes whose rows are known (id = row number, x = id / 2, v = [id, id + 1, id + 2]),
/// counting the blocks handed out and not yet given back.
/// </summary>
internal sealed class GeneratedBlocks : IDataView
{
    private readonly int _blocks;
    private readonly int _maxRows;
    private readonly int _seed;
    private int _outstanding;
    private int _peakOutstanding;

    public GeneratedBlocks(int blocks, int maxRows, int seed)
    {
        _blocks = blocks;
        _maxRows = maxRows;
        _seed = seed;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("id", NumberDataViewType.Int64);
        builder.AddColumn("x", NumberDataViewType.Single);
        builder.AddColumn("v", new VectorDataViewType(NumberDataViewType.Single, 3));
        Schema = builder.ToSchema();
        var random = new Random(seed);
        RowCount = Enumerable.Range(0, blocks).Sum(_ => random.Next(1, maxRows + 1));
    }

    public int RowCount { get; }

    public int Outstanding => Volatile.Read(ref _outstanding);

    public int PeakOutstanding => Volatile.Read(ref _peakOutstanding);

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => RowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }

        return new Cursor(this, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(GeneratedBlocks source, bool[] active) : BlockRowCursor(source.Schema, active)
    {
        private readonly RecordBatchPool _pool = new(source.Schema, active, source._maxRows);
        private readonly Random _random = new(source._seed);
        private int _made;
        private long _next;

        protected override bool TryTakeNextBatch(out RecordBatch batch)
        {
            batch = null!;
            if (_made++ == source._blocks)
            {
                return false;
            }

            var rows = _random.Next(1, source._maxRows + 1);
            batch = _pool.Rent(rows);
            batch.RowCount = rows;
            batch.FirstRowInPartition = _next;
            for (var r = 0; r < rows; r++)
            {
                var id = _next + r;
                if (batch.Columns[0] is ScalarColumnBuffer<long> ids)
                {
                    ids.Values[r] = id;
                }

                if (batch.Columns[1] is ScalarColumnBuffer<float> x)
                {
                    x.Values[r] = id / 2f;
                }

                if (batch.Columns[2] is VectorColumnBuffer<float> v)
                {
                    v.Row(r)[0] = id;
                    v.Row(r)[1] = id + 1;
                    v.Row(r)[2] = id + 2;
                }
            }

            _next += rows;
            var outstanding = Interlocked.Increment(ref source._outstanding);
            if (outstanding > Volatile.Read(ref source._peakOutstanding))
            {
                Volatile.Write(ref source._peakOutstanding, outstanding);
            }

            return true;
        }

        protected override void ReleaseBatch(RecordBatch batch)
        {
            Interlocked.Decrement(ref source._outstanding);
            _pool.Return(batch);
        }
    }
}
