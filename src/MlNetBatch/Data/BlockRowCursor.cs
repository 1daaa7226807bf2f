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

    /// <summary>The batch id of the current row; by default its partition's ordinal.</summary>
    protected virtual long CurrentBatchId => _current?.Partition?.Ordinal ?? 0;

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
    public override ValueGetter<DataViewRowId> GetIdGetter() =>
        (ref DataViewRowId value) =>
        {
            var batch = _current ?? throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");
            // Unique across the cursors of a set: the partition ordinal is the high word, the row within it the low.
            value = new DataViewRowId((ulong)(batch.FirstRowInPartition + _row), (ulong)(batch.Partition?.Ordinal ?? 0));
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
