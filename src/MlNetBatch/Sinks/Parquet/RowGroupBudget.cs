namespace MlNetBatch.Sinks.Parquet;

/// <summary>
/// Counts the rows and bytes of the row group being written and says how many of a batch's rows still fit, so that
/// a row group ends where its limit is reached, also in the middle of a batch.
/// </summary>
internal sealed class RowGroupBudget
{
    private readonly ParquetColumnSink[] _variable;
    private readonly int _fixedRowBytes;
    private readonly int _maxRows;
    private readonly long _maxBytes;
    // Bytes of the variable-size columns before each row of the current batch (one entry more than rows).
    private long[] _before = [0];
    private long _rows;
    private long _bytes;

    public RowGroupBudget(IReadOnlyList<ParquetColumnSink> sinks, ParquetSinkOptions options)
    {
        _variable = sinks.Where(s => s.HasVariableRowBytes).ToArray();
        _fixedRowBytes = sinks.Sum(s => s.FixedRowBytes);
        _maxRows = options.RowGroupRows;
        _maxBytes = options.RowGroupBytes;
    }

    /// <summary>Whether the row group has reached either limit.</summary>
    public bool IsFull => _rows >= _maxRows || _bytes >= _maxBytes;

    /// <summary>Takes the sizes of a prepared batch's rows.</summary>
    public void Measure(int rows)
    {
        if (_variable.Length == 0)
        {
            return;
        }

        if (_before.Length < rows + 1)
        {
            _before = new long[rows + 1];
        }

        var sizes = _before.AsSpan(1, rows);
        sizes.Clear();
        foreach (var sink in _variable)
        {
            sink.AddRowBytes(sizes);
        }

        for (var row = 1; row <= rows; row++)
        {
            _before[row] += _before[row - 1];
        }
    }

    /// <summary>
    /// How many of the <paramref name="available"/> rows from <paramref name="start"/> fit in the row group; 0 means
    /// the group must end first. An empty group takes at least one row, however large.
    /// </summary>
    public int RowsThatFit(int start, int available)
    {
        var rows = (int)Math.Min(available, _maxRows - _rows);
        var room = _maxBytes - _bytes;
        if (Bytes(start, rows) > room)
        {
            // The largest count that fits: sizes only grow with the count, so search.
            int low = 0, high = rows;
            while (low < high)
            {
                var middle = low + ((high - low + 1) / 2);
                if (Bytes(start, middle) <= room)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            rows = low;
        }

        return rows == 0 && _rows == 0 ? Math.Min(1, available) : rows;
    }

    /// <summary>Counts rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> as written.</summary>
    public void Add(int start, int count)
    {
        _rows += count;
        _bytes += Bytes(start, count);
    }

    /// <summary>Starts counting a new row group.</summary>
    public void Reset() => (_rows, _bytes) = (0, 0);

    private long Bytes(int start, int count) =>
        ((long)_fixedRowBytes * count) + (_variable.Length == 0 ? 0 : _before[start + count] - _before[start]);
}
