using System.Diagnostics;
using System.Diagnostics.Metrics;
using MlNetBatch.Jobs.Progress;

namespace MlNetBatch.Diagnostics;

/// <summary>
/// The live counters of one stage of a job run (read, a preprocess step, score, write), summed over its partitions
/// and threads. Updated once per block or batch with <see cref="Interlocked"/> adds, never per row.
/// </summary>
internal sealed class StageMeter(string name, Counter<long>? rows, KeyValuePair<string, object?> job)
{
    private readonly List<IQueueProbe> _queues = [];
    private long _wallTicks;
    private long _cpuNanoseconds;
    private long _rows;
    private long _bytes = -1;
    private long _blockedOnInputTicks;
    private long _blockedOnOutputTicks;

    /// <summary>The stage's name in the summary and in metric tags.</summary>
    public string Name => name;

    /// <summary>The metric tag naming the job.</summary>
    public KeyValuePair<string, object?> JobTag => job;

    /// <summary>Whether any cursor of the run belongs to this stage: a job whose model is not ours to time has no score stage.</summary>
    public bool Used { get; set; }

    /// <summary>Rows through the stage so far.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Adds work done on one block: wall and processor time (Stopwatch ticks, nanoseconds) and the rows it handed on.</summary>
    public void AddWork(long wallTicks, long cpuNanoseconds, int rowCount)
    {
        Interlocked.Add(ref _wallTicks, wallTicks);
        Interlocked.Add(ref _cpuNanoseconds, cpuNanoseconds);
        if (rowCount > 0)
        {
            Interlocked.Add(ref _rows, rowCount);
            rows?.Add(rowCount, job);
        }
    }

    /// <summary>
    /// Adds work that may have awaited: processor time counts only when it ended on the thread it began on, as
    /// a thread's CPU clock says nothing of another thread's.
    /// </summary>
    public void AddWork(in AsyncWorkStart start, int rowCount)
    {
        var cpu = Environment.CurrentManagedThreadId == start.Thread ? ThreadCpuTime.Now() - start.Cpu : 0;
        AddWork(Stopwatch.GetTimestamp() - start.Timestamp, cpu, rowCount);
    }

    /// <summary>Adds bytes the stage read or wrote.</summary>
    public void AddBytes(long bytes)
    {
        Interlocked.CompareExchange(ref _bytes, 0, -1);
        Interlocked.Add(ref _bytes, bytes);
    }

    /// <summary>Adds time the stage's thread waited for its upstream stage to hand it a block.</summary>
    public void AddBlockedOnInput(long ticks) => Interlocked.Add(ref _blockedOnInputTicks, ticks);

    /// <summary>Adds time the stage's thread waited for room in the queue to its downstream stage.</summary>
    public void AddBlockedOnOutput(long ticks) => Interlocked.Add(ref _blockedOnOutputTicks, ticks);

    /// <summary>Adds the time since <paramref name="startTimestamp"/> as blocked on output.</summary>
    public void BlockedOnOutputSince(long startTimestamp) => AddBlockedOnOutput(Stopwatch.GetTimestamp() - startTimestamp);

    /// <summary>Makes a queue of this stage visible to gauges and progress until <see cref="Forget"/>.</summary>
    public void Watch(IQueueProbe queue)
    {
        lock (_queues)
        {
            _queues.Add(queue);
        }
    }

    /// <summary>Stops watching a queue (its cursor is disposed).</summary>
    public void Forget(IQueueProbe queue)
    {
        lock (_queues)
        {
            _queues.Remove(queue);
        }
    }

    /// <summary>The queues' depth and capacity summed; (0, 0) when the stage has none open.</summary>
    public (int Depth, int Capacity) QueueFill()
    {
        lock (_queues)
        {
            int depth = 0, capacity = 0;
            foreach (var queue in _queues)
            {
                depth += queue.Depth;
                capacity += queue.Capacity;
            }

            return (depth, capacity);
        }
    }

    /// <summary>The stage's totals so far.</summary>
    public StageStats Snapshot()
    {
        var bytes = Interlocked.Read(ref _bytes);
        return new StageStats(
            name,
            Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _wallTicks)),
            ThreadCpuTime.IsSupported ? TimeSpan.FromTicks(Interlocked.Read(ref _cpuNanoseconds) / 100) : null,
            Rows,
            bytes < 0 ? null : bytes,
            Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _blockedOnInputTicks)),
            Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _blockedOnOutputTicks)));
    }
}

/// <summary>Where an asynchronous piece of a stage's work began: time, thread and that thread's processor time.</summary>
internal readonly record struct AsyncWorkStart(long Timestamp, int Thread, long Cpu)
{
    /// <summary>Now, on the calling thread.</summary>
    public static AsyncWorkStart Now() => new(Stopwatch.GetTimestamp(), Environment.CurrentManagedThreadId, ThreadCpuTime.Now());
}
