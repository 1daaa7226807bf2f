using System.Diagnostics;
using System.Globalization;
using MlNetBatch.Diagnostics;

namespace MlNetBatch.Jobs.Progress;

/// <summary>
/// A job run's progress, live: partitions and rows done, throughput, time left, bad rows and the fill of the queues
/// between stages. The engine updates it with cheap atomic counters; read it from any thread, at any time. Pass one
/// in <see cref="JobRunOptions.Progress"/> to watch a run from code, or register an <see cref="IJobProgressListener"/>.
/// </summary>
public sealed class JobProgress
{
    private RunTelemetry? _run;
    private long _started;
    private long _ended;
    private int _partitions;
    private int _resumed;
    private int _committed;
    private long _rows = -1;
    private long _badRows;

    /// <summary>The job's name; empty until the run starts.</summary>
    public string Job { get; private set; } = string.Empty;

    /// <summary>The job's partitions, including those an earlier run committed.</summary>
    public int Partitions => Volatile.Read(ref _partitions);

    /// <summary>Partitions an earlier run had committed, skipped by this one.</summary>
    public int ResumedPartitions => Volatile.Read(ref _resumed);

    /// <summary>Partitions committed: those this run committed and those it resumed.</summary>
    public int PartitionsDone => ResumedPartitions + Volatile.Read(ref _committed);

    /// <summary>The rows this run has to read, where the plan knows them (Parquet row groups); null where it does not (CSV, JSON lines).</summary>
    public long? Rows => Interlocked.Read(ref _rows) is >= 0 and var rows ? rows : null;

    /// <summary>Rows read so far by this run (a retried partition's rows count again).</summary>
    public long RowsDone => _run?.RowsRead ?? 0;

    /// <summary>Rows set aside as bad in the partitions committed so far.</summary>
    public long BadRows => Interlocked.Read(ref _badRows);

    /// <summary>Whether the run has ended, however it ended.</summary>
    public bool IsFinished => Interlocked.Read(ref _ended) != 0;

    /// <summary>Time since the run started (until it ended).</summary>
    public TimeSpan Elapsed
    {
        get
        {
            var started = Interlocked.Read(ref _started);
            if (started == 0)
            {
                return TimeSpan.Zero;
            }

            var ended = Interlocked.Read(ref _ended);
            return Stopwatch.GetElapsedTime(started, ended == 0 ? Stopwatch.GetTimestamp() : ended);
        }
    }

    /// <summary>Rows read per second so far.</summary>
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RowsDone / Elapsed.TotalSeconds : 0;

    /// <summary>
    /// Time left at the present pace: by rows where <see cref="Rows"/> is known, else by partitions; null until
    /// something is done to measure the pace by.
    /// </summary>
    public TimeSpan? Eta
    {
        get
        {
            if (IsFinished)
            {
                return TimeSpan.Zero;
            }

            if (Rows is { } rows && RowsPerSecond > 0)
            {
                return TimeSpan.FromSeconds(Math.Max(0, rows - RowsDone) / RowsPerSecond);
            }

            var committed = Volatile.Read(ref _committed);
            var pending = Partitions - ResumedPartitions;
            return committed == 0 ? null : Elapsed / committed * (pending - committed);
        }
    }

    /// <summary>How full each stage's queues are now (stages with no bounded queue, as in a partition-per-core run, are left out).</summary>
    public IReadOnlyList<StageQueue> Queues
    {
        get
        {
            var queues = new List<StageQueue>();
            foreach (var meter in _run?.Meters ?? [])
            {
                var (depth, capacity) = meter.QueueFill();
                if (capacity > 0)
                {
                    queues.Add(new StageQueue(meter.Name, depth, capacity));
                }
            }

            return queues;
        }
    }

    /// <summary>The stages' totals so far (see <see cref="StageStats"/>).</summary>
    public IReadOnlyList<StageStats> Stages => _run?.Snapshot() ?? [];

    /// <summary>One line: partitions and rows done of their totals, rows/s, time left, bad rows.</summary>
    public override string ToString()
    {
        var rows = Rows is { } total ? $"{RowsDone.ToString("N0", CultureInfo.InvariantCulture)}/{total.ToString("N0", CultureInfo.InvariantCulture)}" : RowsDone.ToString("N0", CultureInfo.InvariantCulture);
        var eta = Eta is { } left ? left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "unknown";
        return $"Job '{Job}': {PartitionsDone}/{Partitions} partitions, {rows} rows, {RowsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} rows/s, ETA {eta}, {BadRows} bad rows";
    }

    /// <summary>The run started: the plan's counts, and the meters rows are read from.</summary>
    internal void Begin(string job, RunTelemetry run, int partitions, int resumed, long? rows)
    {
        Job = job;
        _run = run;
        Volatile.Write(ref _partitions, partitions);
        Volatile.Write(ref _resumed, resumed);
        Interlocked.Exchange(ref _rows, rows ?? -1);
        // An object passed to several runs in turn reports each from the start.
        Volatile.Write(ref _committed, 0);
        Interlocked.Exchange(ref _badRows, 0);
        Interlocked.Exchange(ref _ended, 0);
        Interlocked.Exchange(ref _started, Stopwatch.GetTimestamp());
    }

    /// <summary>A partition was committed with <paramref name="badRows"/> bad rows.</summary>
    internal void Committed(long badRows)
    {
        Interlocked.Increment(ref _committed);
        Interlocked.Add(ref _badRows, badRows);
    }

    /// <summary>The run ended.</summary>
    internal void Finish() => Interlocked.CompareExchange(ref _ended, Math.Max(1, Stopwatch.GetTimestamp()), 0);
}
