using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Data;

/// <summary>
/// A row cursor that serves rows out of a sequence of <see cref="RecordBatch"/>es. Subclasses say where the
/// batches come from; getters are built once per column and read the current batch at the current row.
/// </summary>
public abstract class BlockRowCursor : DataViewRowCursor
{
    private readonly DataViewSchema _schema;
    private readonly bool[] _active;
    private RecordBatch? _current;
    private int _row = -1;
    private long _position = -1;

    /// <summary>Creates the cursor.</summary>
    protected BlockRowCursor(DataViewSchema schema, bool[] active)
    {
        _schema = schema;
        _active = active;
    }

    /// <inheritdoc />
    public sealed override DataViewSchema Schema => _schema;

    /// <inheritdoc />
    public sealed override long Position => _position;

    /// <summary>
    /// The partition ordinal of the current row. ML.NET merges the cursors of a set in increasing batch order,
    /// so parallel cursors still deliver rows in input order when consolidated.
    /// </summary>
    public sealed override long Batch => CurrentBatchId;

    /// <summary>The batch id of the current row.</summary>
    protected long CurrentBatchId => _current is null ? 0 : BatchIdAt(_current, _row);

    /// <summary>The batch id of a row of a block this cursor handed out; by default its partition's ordinal.</summary>
    internal virtual long BatchIdAt(RecordBatch batch, int row) => batch.Partition?.Ordinal ?? 0;

    /// <summary>
    /// The id of a row of a block this cursor handed out: unique across the cursors of a set, the partition
    /// ordinal being the high word and the row within the partition the low.
    /// </summary>
    internal virtual DataViewRowId RowIdAt(RecordBatch batch, int row) =>
        new((ulong)(batch.FirstRowInPartition + row), (ulong)(batch.Partition?.Ordinal ?? 0));

    /// <summary>
    /// The row and batch ids of <paramref name="rowIds"/>.Length rows of a block from <paramref name="start"/>: what
    /// <see cref="RowIdAt"/> and <see cref="BatchIdAt"/> give, a block at a time rather than two calls per row.
    /// </summary>
    internal virtual void CopyIds(RecordBatch batch, int start, Span<DataViewRowId> rowIds, Span<long> batchIds)
    {
        var ordinal = batch.Partition?.Ordinal ?? 0;
        var first = batch.FirstRowInPartition + start;
        for (var i = 0; i < rowIds.Length; i++)
        {
            rowIds[i] = new DataViewRowId((ulong)(first + i), (ulong)ordinal);
        }

        batchIds[..rowIds.Length].Fill(ordinal);
    }

    /// <summary>Where bad rows found after reading (by a block stage) go: the job's quarantine, or null when nothing quarantines.</summary>
    internal virtual BadRecords.IBadRecordSink? BadRecordSink => null;

    /// <summary>The statistics of what the rows' read did, counted by the job; null when nothing counts.</summary>
    internal virtual ReadStatistics? RowStatistics => null;

    /// <summary>Gets the next non-empty batch, or false at the end of the data.</summary>
    protected abstract bool TryTakeNextBatch(out RecordBatch batch);

    /// <summary>Hands back a batch the cursor has moved past.</summary>
    protected abstract void ReleaseBatch(RecordBatch batch);

    /// <inheritdoc />
    public sealed override bool MoveNext()
    {
        if (_current is not null && _row + 1 < _current.RowCount)
        {
            _row++;
            _position++;
            return true;
        }

        while (true)
        {
            if (_current is not null)
            {
                ReleaseBatch(_current);
                _current = null;
            }

            if (!TryTakeNextBatch(out var next))
            {
                return false;
            }

            _current = next;
            if (next.RowCount > 0)
            {
                _row = 0;
                _position++;
                return true;
            }
        }
    }

    /// <summary>
    /// Hands over the rest of the current block, or the next block, whole: for consumers that move columns in
    /// bulk instead of calling getters row by row. The cursor then stands on the last row handed over, and the
    /// block stays valid until the next <see cref="MoveNext"/> or <see cref="TryTakeBlock"/>.
    /// </summary>
    /// <param name="batch">The block; its buffers are indexed by schema column.</param>
    /// <param name="start">The first row of the block that is handed over.</param>
    /// <param name="count">How many rows are handed over.</param>
    public bool TryTakeBlock(out RecordBatch batch, out int start, out int count)
    {
        if (_current is not null && _row + 1 < _current.RowCount)
        {
            batch = _current;
            start = _row + 1;
            count = _current.RowCount - start;
        }
        else
        {
            if (!MoveNext())
            {
                batch = null!;
                start = count = 0;
                return false;
            }

            _position--;
            batch = _current!;
            start = _row;
            count = _current!.RowCount - start;
        }

        _row = batch.RowCount - 1;
        _position += count;
        return true;
    }

    /// <summary>
    /// Whether <see cref="TryLendBlock"/> may hand blocks out for a consumer to keep past the next move: true when
    /// the cursor's batches come from a pool that takes them back in any order, from any thread.
    /// </summary>
    internal virtual bool CanLendBlocks => true;

    /// <summary>Whether the cursor produces its blocks on the consumer's thread, with no background stage of its own.</summary>
    internal virtual bool RunsOnConsumerThread => false;

    /// <summary>
    /// Hands over the next whole non-empty block for the caller to keep: unlike <see cref="TryTakeBlock"/>, the block
    /// stays valid after later moves, until the caller gives it back with <see cref="ReturnLentBlock"/> (from any
    /// thread). This is what lets a block stage hold several blocks in flight without copying them.
    /// </summary>
    internal bool TryLendBlock(out RecordBatch batch)
    {
        if (_current is not null)
        {
            ReleaseBatch(_current);
            _current = null;
        }

        while (TryTakeNextBatch(out batch))
        {
            if (batch.RowCount > 0)
            {
                _position += batch.RowCount;
                return true;
            }

            ReleaseBatch(batch);
        }

        return false;
    }

    /// <summary>Gives back a block <see cref="TryLendBlock"/> handed over.</summary>
    internal void ReturnLentBlock(RecordBatch batch) => ReleaseBatch(batch);

    /// <inheritdoc />
    public sealed override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    /// <inheritdoc />
    public sealed override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
        {
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
        }

        if (column.Type.RawType != typeof(TValue))
        {
            throw new InvalidOperationException(
                $"Column '{column.Name}' holds {column.Type} values ({column.Type.RawType.Name}); it cannot be read as {typeof(TValue).Name}.");
        }

        var index = column.Index;
        return (ref TValue value) =>
        {
            var batch = _current ?? throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");
            ((ColumnBuffer<TValue>)batch.Columns[index]!).Get(_row, ref value);
        };
    }

    /// <summary>The batch the cursor is on, if any.</summary>
    protected RecordBatch? CurrentBatch => _current;

    /// <summary>The cursor's row within <see cref="CurrentBatch"/>.</summary>
    protected int CurrentRow => _row;

    /// <inheritdoc />
    public sealed override ValueGetter<DataViewRowId> GetIdGetter() =>
        (ref DataViewRowId value) =>
        {
            var batch = _current ?? throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");
            value = RowIdAt(batch, _row);
        };

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _current is not null)
        {
            ReleaseBatch(_current);
            _current = null;
        }

        base.Dispose(disposing);
    }
}
