using Microsoft.ML;
using MlNetBatch.Data;

namespace MlNetBatch.Pipeline;

/// <summary>
/// Where a stage's blocks come from. MlNetBatch's own cursors lend whole blocks, which the stage keeps in flight
/// without a copy; any other ML.NET cursor (a stock transform before the stage) is copied into pooled blocks.
/// </summary>
internal abstract class StageInput(DataViewRowCursor cursor, BlockStageDataView view) : IDisposable
{
    /// <summary>The cursor the blocks are read from.</summary>
    public DataViewRowCursor Cursor => cursor;

    /// <summary>Whether the input produces its blocks on the consumer's thread.</summary>
    public virtual bool RunsOnConsumerThread => false;

    /// <summary>The input for <paramref name="cursor"/>.</summary>
    public static StageInput Create(DataViewRowCursor cursor, BlockStageDataView view, bool[] activeInputs) =>
        cursor is BlockRowCursor { CanLendBlocks: true } blocks
            ? new LentBlocks(blocks, view)
            : new CopiedRows(cursor, view, activeInputs);

    /// <summary>Reads the next block into <paramref name="block"/>; false at the end of the input.</summary>
    public bool TryFill(StageBlock block)
    {
        if (!TryTake(block))
        {
            return false;
        }

        var input = block.Input!;
        var output = view.OutputBlocks.Rent(input.RowCount);
        // The stage's output shares the input's buffers; only the columns the stage adds are its own.
        for (var i = 0; i < view.InputColumnCount; i++)
        {
            output.Columns[i] = input.Columns[i];
        }

        output.RowCount = input.RowCount;
        output.Partition = input.Partition;
        output.FirstRowInPartition = input.FirstRowInPartition;
        block.Output = output;
        block.Failure = null;
        return true;
    }

    /// <summary>Gives the block's buffers back; harmless on a block that holds none.</summary>
    public void Release(StageBlock block)
    {
        if (block.Output is { } output)
        {
            // A pooled output batch must go back holding only its own buffers.
            Array.Clear(output.Columns, 0, view.InputColumnCount);
            view.OutputBlocks.Return(output);
            block.Output = null;
        }

        if (block.Input is { } input)
        {
            block.Input = null;
            Return(input);
        }
    }

    public void Dispose() => cursor.Dispose();

    protected abstract bool TryTake(StageBlock block);

    protected abstract void Return(RecordBatch input);

    /// <summary>Blocks lent by MlNetBatch's own cursors: no copy, and the lender keeps the row ids.</summary>
    private sealed class LentBlocks(BlockRowCursor blocks, BlockStageDataView view) : StageInput(blocks, view)
    {
        public override bool RunsOnConsumerThread => blocks.RunsOnConsumerThread;

        protected override bool TryTake(StageBlock block)
        {
            if (!blocks.TryLendBlock(out var input))
            {
                return false;
            }

            block.Input = input;
            block.IdSource = blocks;
            return true;
        }

        protected override void Return(RecordBatch input) => blocks.ReturnLentBlock(input);
    }

    /// <summary>Rows of any cursor copied into pooled blocks through getters, with their ids beside them.</summary>
    private sealed class CopiedRows : StageInput
    {
        private readonly DataViewRowCursor _rows;
        private readonly RecordBatchPool _pool;
        private readonly int[] _columns;
        private readonly Microsoft.ML.ValueGetter<Microsoft.ML.Data.DataViewRowId> _ids;
        // A copier writes into the batch it was made for; the few batches in circulation each keep theirs.
        private readonly Dictionary<RecordBatch, Action<int>[]> _copiers = new(ReferenceEqualityComparer.Instance);
        private bool _done;

        public CopiedRows(DataViewRowCursor rows, BlockStageDataView view, bool[] activeInputs)
            : base(rows, view)
        {
            _rows = rows;
            _pool = new RecordBatchPool(rows.Schema, activeInputs,
                BlockRowLimit.For(Enumerable.Range(0, activeInputs.Length).Where(i => activeInputs[i]).Select(i => rows.Schema[i].Type), BlockStageDataView.CopiedBlockRows));
            _columns = Enumerable.Range(0, activeInputs.Length).Where(i => activeInputs[i]).ToArray();
            _ids = rows.GetIdGetter();
        }

        protected override bool TryTake(StageBlock block)
        {
            if (_done)
            {
                return false;
            }

            var batch = _pool.Rent();
            var copiers = CopiersFor(batch);
            block.RowIds ??= new Microsoft.ML.Data.DataViewRowId[_pool.Rows];
            block.BatchIds ??= new long[_pool.Rows];
            var rows = 0;
            while (rows < _pool.Rows && _rows.MoveNext())
            {
                for (var c = 0; c < copiers.Length; c++)
                {
                    copiers[c](rows);
                }

                _ids(ref block.RowIds[rows]);
                block.BatchIds[rows] = _rows.Batch;
                rows++;
            }

            _done = rows < _pool.Rows;
            if (rows == 0)
            {
                _pool.Return(batch);
                return false;
            }

            batch.RowCount = rows;
            block.Input = batch;
            block.IdSource = null;
            return true;
        }

        protected override void Return(RecordBatch input) => _pool.Return(input);

        private Action<int>[] CopiersFor(RecordBatch batch)
        {
            lock (_copiers)
            {
                if (!_copiers.TryGetValue(batch, out var copiers))
                {
                    copiers = _columns.Select(c => batch.Columns[c]!.CreateCopier(_rows, _rows.Schema[c])).ToArray();
                    _copiers.Add(batch, copiers);
                }

                return copiers;
            }
        }
    }
}
