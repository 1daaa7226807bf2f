using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Where a column reader is (file, column, the chunk's first row in the partition) and where it reports values ML.NET
/// cannot hold (nulls a column cannot take, values that do not convert to the column's type): with a bad-record sink
/// such a row is set aside once the chunk is read, without one it fails the read.
/// </summary>
internal sealed class ChunkScope(string file, string partitionId, IBadRecordSink? badRecords, MissingValueHandling missing, ReadStatistics? statistics)
{
    // Bad rows of the current chunk with the first problem found in each; allocated only when a chunk has one.
    private SortedDictionary<int, (string Column, string Reason)>? _badRows;

    /// <summary>The file being read.</summary>
    public string File => file;

    /// <summary>The row group being read.</summary>
    public int RowGroup { get; set; }

    /// <summary>The column being read.</summary>
    public string Column { get; set; } = "";

    /// <summary>The index, within the partition, of the chunk's first row.</summary>
    public long FirstRow { get; set; }

    /// <summary>
    /// The value a null becomes: NaN in a float or double column (counted) when the source's <c>MissingValues</c> is
    /// <see cref="MissingValueHandling.NaN"/>; otherwise the row is bad (quarantined, or the read fails in strict mode).
    /// </summary>
    public TValue Missing<TValue>(int row)
    {
        var floating = typeof(TValue) == typeof(float) || typeof(TValue) == typeof(double);
        if (floating && missing == MissingValueHandling.NaN)
        {
            statistics?.AddMissingValue();
            return typeof(TValue) == typeof(float) ? (TValue)(object)float.NaN : (TValue)(object)double.NaN;
        }

        Reject(row, floating
            ? "null value and the source's MissingValues is BadRecord."
            : $"null value in a {typeof(TValue).Name} column; only float and double columns can hold missing values (as NaN). Fill the nulls, or declare the column as float in the source's Columns.");
        return default!;
    }

    /// <summary>A stored value that does not convert to the column's type: quarantines the row, or throws in strict mode.</summary>
    public void RejectConversion<TStored, TValue>(int row, TStored value, Exception cause) =>
        Reject(row, $"cannot convert the value '{value}' ({typeof(TStored).Name}) to {typeof(TValue).Name}.", cause);

    /// <summary>Whether <paramref name="exception"/> is a value that does not fit the column's type.</summary>
    public static bool IsConversionFailure(Exception exception) =>
        exception is OverflowException or ArgumentOutOfRangeException or InvalidCastException;

    /// <summary>A value the column cannot hold: quarantines the row, or throws in strict mode.</summary>
    private void Reject(int row, string reason, Exception? cause = null)
    {
        if (badRecords is null)
        {
            throw new DataFormatException(file, reason, Column, FirstRow + row, cause);
        }

        (_badRows ??= []).TryAdd(row, (Column, reason));
    }

    /// <summary>The error for a value that does not convert to the column's type.</summary>
    public DataFormatException ConversionError<TStored, TValue>(int row, TStored value, Exception cause) =>
        new(file, $"cannot convert the value '{value}' ({typeof(TStored).Name}) to {typeof(TValue).Name}.", Column, FirstRow + row, cause);

    /// <summary>The error for a column chunk that is damaged: its values or levels do not add up to its rows.</summary>
    public DataFormatException Corrupt(string detail, int? row = null, Exception? cause = null) =>
        new(file, $"row group {RowGroup} is corrupt ({detail}).", Column, row is null ? null : FirstRow + row, cause);

    /// <summary>A value the column's type cannot hold (a list of the wrong length): quarantines the row, or throws in strict mode.</summary>
    public void RejectInvalid(int row, string reason) => Reject(row, reason);

    /// <summary>Reports the chunk's bad rows, in row order, and removes them from <paramref name="batch"/>.</summary>
    public void SetAsideBadRows(RecordBatch batch)
    {
        if (_badRows is null)
        {
            return;
        }

        foreach (var (row, problem) in _badRows)
        {
            badRecords!.Report(new BadRecord(file, partitionId, FirstRow + row, null, problem.Column, problem.Reason, null));
        }

        batch.RemoveRows(_badRows.Keys.ToHashSet());
        _badRows = null;
    }
}
