using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Jobs;

/// <summary>
/// The job-wide allowance of bad rows: tolerated up to the larger of <see cref="ExecutionOptions.MaxBadRecords"/> and
/// <see cref="ExecutionOptions.MaxBadRecordRatio"/> times the rows read so far.
/// </summary>
internal sealed class BadRecordBudget(string job, ExecutionOptions options)
{
    private long _bad;
    private long _rows;
    private BadRecord? _first;

    public long BadRows => Interlocked.Read(ref _bad);

    /// <summary>True when the job tolerates any bad row; otherwise sources fail on the first one.</summary>
    public bool Tolerant => options.MaxBadRecords > 0 || options.MaxBadRecordRatio > 0;

    public void AddRows(long rows) => Interlocked.Add(ref _rows, rows);

    public void Add(BadRecord record)
    {
        Interlocked.CompareExchange(ref _first, record, null);
        var bad = Interlocked.Increment(ref _bad);
        var allowed = Math.Max(options.MaxBadRecords, (long)(options.MaxBadRecordRatio * Interlocked.Read(ref _rows)));
        // The ratio needs rows to judge by; until a partition has committed, only MaxBadRecords counts.
        if (bad > allowed)
        {
            throw new BadRecordLimitExceededException(job, bad, options, _first!);
        }
    }
}

/// <summary>A job saw more bad rows than it tolerates.</summary>
public sealed class BadRecordLimitExceededException : MlNetBatchException
{
    internal BadRecordLimitExceededException(string job, long bad, ExecutionOptions options, BadRecord first)
        : base($"Job '{job}': {bad} bad rows exceed what the job tolerates (MaxBadRecords = {options.MaxBadRecords}, MaxBadRecordRatio = {options.MaxBadRecordRatio}). "
            + $"First: {first.File}, row {first.Row}{(first.Column is null ? string.Empty : $", column '{first.Column}'")}: {first.Reason} "
            + "Raise Execution:MaxBadRecords or Execution:MaxBadRecordRatio to set such rows aside in the quarantine instead.")
    {
    }
}
