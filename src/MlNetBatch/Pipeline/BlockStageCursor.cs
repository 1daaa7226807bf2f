using System.Collections.Concurrent;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Pipeline;

/// <summary>
/// Serves the blocks of a block stage: each is an input block plus the columns the stage's transform added.
/// Subclasses decide where blocks are mapped: on the consumer's thread (<see cref="InlineBlockStageCursor"/>) or on
/// the worker pool, several at a time (<see cref="PooledBlockStageCursor"/>).
/// </summary>
internal abstract class BlockStageCursor : BlockRowCursor
{
    private readonly ConcurrentDictionary<RecordBatch, StageBlock> _blockOf = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentBag<StageBlock> _all = [];
    private readonly BlockStageDataView _view;
    private volatile bool _stopping;
    private bool _disposed;

    protected BlockStageCursor(BlockStageDataView view, StageInput input, bool[] active)
        : base(view.Schema, active)
    {
        _view = view;
        Input = input;
        Meter = Diagnostics.RunTelemetry.Current?.Preprocess(view.Transform, view.Transform.Name);
    }

    /// <summary>This step's stage in the job run the cursor works for; null outside a run.</summary>
    public Diagnostics.StageMeter? Meter { get; }

    /// <summary>True once the cursor is being disposed: queued blocks are then skipped, not mapped.</summary>
    public bool Stopping => _stopping;

    /// <summary>Whether nothing of the cursor is in flight any more and every block it held went back (for tests).</summary>
    internal bool IsDrained => IsStopped && _all.All(b => b.Done.IsSet && b.Input is null && b.Output is null);

    internal override bool CanLendBlocks => true;


    protected StageInput Input { get; }

    /// <summary>Whether every background part of the cursor has finished.</summary>
    protected abstract bool IsStopped { get; }

    /// <summary>Hears that a pool thread finished <paramref name="block"/>.</summary>
    public virtual void Completed(StageBlock block)
    {
    }

    internal override DataViewRowId RowIdAt(RecordBatch batch, int row)
    {
        var block = _blockOf[batch];
        return InputRowId(block, block.InputRow(row));
    }

    internal override long BatchIdAt(RecordBatch batch, int row)
    {
        var block = _blockOf[batch];
        row = block.InputRow(row);
        return block.IdSource is { } source ? source.BatchIdAt(block.Input!, row) : block.BatchIds![row];
    }

    /// <summary>The bad-record sink of the job reading this stage's rows, found through its input; null when there is none.</summary>
    internal override IBadRecordSink? BadRecordSink => (Input.Cursor as BlockRowCursor)?.BadRecordSink ?? _view.BadRecords;

    /// <summary>The read statistics of the partition this stage reads, found through its input; null when there are none.</summary>
    internal override ReadStatistics? RowStatistics => (Input.Cursor as BlockRowCursor)?.RowStatistics;

    /// <summary>
    /// Hears the rows the mapper of <paramref name="block"/> took out, before they go: bad rows go to the job's
    /// quarantine (or fail the block when nothing quarantines), filtered rows are counted.
    /// </summary>
    internal void Dropped(StageBlock block, BlockRowDrops drops)
    {
        var output = block.Output!;
        var file = output.Partition?.File.Location.ToString() ?? string.Empty;
        var sink = BadRecordSink;
        foreach (var (row, column, reason, value, ownFile) in drops.Bad)
        {
            var at = (long)InputRowId(block, row).Low;
            var where = ownFile ?? file;
            if (sink is null)
            {
                throw new DataFormatException(where.Length > 0 ? where : "the input", value is null ? reason : $"{reason} (value '{BadRecord.Clip(value)}')", column, at);
            }

            sink.Report(new BadRecord(where, output.Partition?.Id ?? string.Empty, at, null, column, reason, value is null ? null : BadRecord.Clip(value)));
        }

        if (drops.Filtered > 0)
        {
            RowStatistics?.AddFilteredRows(drops.Filtered);
        }
    }

    internal override void CopyIds(RecordBatch batch, int start, Span<DataViewRowId> rowIds, Span<long> batchIds)
    {
        var block = _blockOf[batch];
        if (block.RowMap is { } map)
        {
            // Rows were taken out: each remaining row keeps the ids of the input row it came from.
            for (var i = 0; i < rowIds.Length; i++)
            {
                var row = map[start + i];
                rowIds[i] = InputRowId(block, row);
                batchIds[i] = block.IdSource is { } lender ? lender.BatchIdAt(block.Input!, row) : block.BatchIds![row];
            }

            return;
        }

        if (block.IdSource is { } source)
        {
            source.CopyIds(block.Input!, start, rowIds, batchIds);
            return;
        }

        block.RowIds.AsSpan(start, rowIds.Length).CopyTo(rowIds);
        block.BatchIds.AsSpan(start, rowIds.Length).CopyTo(batchIds);
    }

    private static DataViewRowId InputRowId(StageBlock block, int inputRow) =>
        block.IdSource is { } source ? source.RowIdAt(block.Input!, inputRow) : block.RowIds![inputRow];

    /// <summary>A new block with its own mapper.</summary>
    protected StageBlock CreateBlock()
    {
        var block = new StageBlock(this, _view.Transform.CreateMapper(_view.Schema));
        _all.Add(block);
        return block;
    }

    /// <summary>Reads the next input block into <paramref name="block"/> and makes its output findable by the consumer.</summary>
    protected bool TryFill(StageBlock block)
    {
        if (!Input.TryFill(block))
        {
            return false;
        }

        _blockOf[block.Output!] = block;
        return true;
    }

    /// <summary>The block's output for the consumer, or the stage's failure on it.</summary>
    protected RecordBatch Deliver(StageBlock block)
    {
        if (block.Failure is { } failure)
        {
            // The job's bad-record limit was reached while rows were set aside: that is the job's verdict, not the stage's failure.
            if (failure is Jobs.BadRecordLimitExceededException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            throw new BlockStageException(_view.Transform.Name, block.Output!, failure);
        }

        return block.Output!;
    }

    /// <summary>Gives the block's buffers back to the pools.</summary>
    protected void Release(StageBlock block)
    {
        if (block.Output is { } output)
        {
            _blockOf.TryRemove(output, out _);
        }

        Input.Release(block);
    }

    /// <summary>The stage block behind a batch this cursor handed out.</summary>
    protected StageBlock BlockOf(RecordBatch batch) => _blockOf[batch];

    /// <summary>Stops whatever runs in the background and waits for it.</summary>
    protected abstract void StopStages();

    protected override void Dispose(bool disposing)
    {
        if (!disposing || _disposed)
        {
            base.Dispose(disposing);
            return;
        }

        _disposed = true;
        _stopping = true;
        StopStages();
        // Gives back the block the consumer stands on.
        base.Dispose(disposing);
        // Nothing maps any more: every block still held (queued, ready, failed) goes back before the input closes.
        foreach (var block in _all)
        {
            Release(block);
            // A mapper may hold native memory (the image stages' pixel buffers), which the GC does not see.
            (block.Mapper as IDisposable)?.Dispose();
        }

        Input.Dispose();
    }
}
