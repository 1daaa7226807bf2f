namespace MlNetBatch.Data;

/// <summary>
/// Counts what a read did to values without failing: missing numbers (empty fields, <c>NA</c>, JSON null or
/// absent properties) stored as NaN, as <see cref="MissingValueHandling.NaN"/> allows. Thread-safe; a job keeps one
/// per partition and reports the total in its summary.
/// </summary>
public sealed class ReadStatistics
{
    private long _missingValues;

    /// <summary>Values that were missing and read as NaN.</summary>
    public long MissingValues => Interlocked.Read(ref _missingValues);

    /// <summary>Counts one missing value stored as NaN.</summary>
    public void AddMissingValue() => Interlocked.Increment(ref _missingValues);
}
