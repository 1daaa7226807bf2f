using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Jobs;

/// <summary>
/// The job-wide allowance of bad rows: tolerated up to the larger of <see cref="ExecutionOptions.MaxBadRecords"/> and
/// <see cref="ExecutionOptions.MaxBadRecordRatio"/> times the rows read so far.
/// </summary>
/// <param name="job">The job's name, for the message.</param>
/// <param name="options">The job's limits.</param>
/// <param name="ratioJudgedAtRunEnd">
/// For a partition scored apart from the rest of its run (a cluster node): the ratio is judged only on the run's totals
/// when it ends (<see cref="Judge"/>), since a partition is committed before its own ratio could be.
/// </param>
internal sealed class BadRecordBudget(string job, ExecutionOptions options, bool ratioJudgedAtRunEnd = false)
{
    private long _bad;
    private long _rows;
    private long _committedBad;
    private BadRecord? _first;

    public long BadRows => Interlocked.Read(ref _bad);

    /// <summary>True when the job tolerates any bad row; otherwise sources fail on the first one.</summary>
    public bool Tolerant => options.MaxBadRecords > 0 || options.MaxBadRecordRatio > 0;

    public void Withdraw(long records) => Interlocked.Add(ref _bad, -records);

    /// <summary>
    /// Counts a bad row. With a ratio set, the judgement waits for the partition's end (<see cref="CommitRows"/>),
    /// when there are rows to judge by; MaxBadRecords alone is enforced at once.
    /// </summary>
    public void Add(BadRecord record)
    {
        Interlocked.CompareExchange(ref _first, record, null);
        var bad = Interlocked.Increment(ref _bad);
        if (options.MaxBadRecordRatio == 0 && bad > options.MaxBadRecords)
        {
            throw new BadRecordLimitExceededException(job, bad, options, _first!);
        }
    }

    /// <summary>
    /// Adds a committed partition's rows read (<paramref name="rows"/>, its bad ones among them). The ratio gives up
    /// early only on committed partitions, bad rows against rows, and only once enough rows were read for it to mean
    /// something (ten bad rows' worth); otherwise it is judged when the job ends (<see cref="Finish"/>). Bad rows of
    /// partitions still running are left out: their rows are not counted yet, and a job whose partitions run side by
    /// side would otherwise fail under its ratio.
    /// </summary>
    public void CommitRows(long rows, long badRows)
    {
        var read = Interlocked.Add(ref _rows, rows);
        var bad = Interlocked.Add(ref _committedBad, badRows);
        if (!ratioJudgedAtRunEnd && options.MaxBadRecordRatio > 0 && read * options.MaxBadRecordRatio >= 10)
        {
            Check(bad, read);
        }
    }

    /// <summary>The final judgement, once every partition is committed.</summary>
    public void Finish() => Check(BadRows, Interlocked.Read(ref _rows));

    /// <summary>
    /// The final judgement of a run whose partitions were scored apart (a cluster's nodes), on its totals: rows read
    /// and bad rows over every committed partition.
    /// </summary>
    public static void Judge(string job, ExecutionOptions options, long rows, long badRows)
    {
        if (IsOver(options, badRows, rows))
        {
            throw new BadRecordLimitExceededException(job, badRows, options, first: null);
        }
    }

    private static bool IsOver(ExecutionOptions options, long bad, long read) => bad > Math.Max(options.MaxBadRecords, (long)(options.MaxBadRecordRatio * read));

    private void Check(long bad, long read)
    {
        if (IsOver(options, bad, read))
        {
            throw new BadRecordLimitExceededException(job, bad, options, _first);
        }
    }
}
