namespace MlNetBatch.Data;

/// <summary>
/// Counts what a read did to values without failing: missing numbers (empty fields, <c>NA</c>, JSON null or
/// absent properties) stored as NaN, as <see cref="MissingValueHandling.NaN"/> allows. Thread-safe; a job keeps one
/// per partition and reports the total in its summary.
/// </summary>
public sealed class ReadStatistics
{
    private long _missingValues;
    private long _filteredRows;

    /// <summary>Values that were missing and read as NaN.</summary>
    public long MissingValues => Interlocked.Read(ref _missingValues);

    /// <summary>Counts one missing value stored as NaN.</summary>
    public void AddMissingValue() => Interlocked.Increment(ref _missingValues);

    /// <summary>Rows a <c>Filter</c> stage took out after reading.</summary>
    public long FilteredRows => Interlocked.Read(ref _filteredRows);

    /// <summary>Counts <paramref name="rows"/> rows filtered out.</summary>
    public void AddFilteredRows(long rows) => Interlocked.Add(ref _filteredRows, rows);
}
