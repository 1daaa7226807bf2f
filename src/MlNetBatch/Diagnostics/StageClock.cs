using System.Diagnostics;

namespace MlNetBatch.Diagnostics;

/// <summary>
/// Times a stage's own work on the calling thread, excluding what it waits for or what other stages do inside it.
/// </summary>
/// <remarks>
/// A job's sequential mode runs every stage on one thread: the writer pulls from the scorer, which pulls from the
/// preprocess steps, which pull from the reader, each inside the call of the one below. So a span subtracts the
/// spans and waits that closed inside it (the thread's "accounted" time) and adds only the rest to its stage. A
/// wait for a block from another thread is charged to the stage whose span is open on the waiting thread as time
/// blocked on input. Spans must open and close on one thread, with no await between.
/// </remarks>
internal static class StageClock
{
    [ThreadStatic]
    private static long t_accountedTicks;

    [ThreadStatic]
    private static long t_accountedCpu;

    [ThreadStatic]
    private static StageMeter? t_current;

    /// <summary>Opens a span of <paramref name="stage"/>'s work; a span of no stage (null) costs nothing and measures nothing.</summary>
    public static StageSpan Begin(StageMeter? stage)
    {
        if (stage is null)
        {
            return default;
        }

        var span = new StageSpan(stage, t_current, Stopwatch.GetTimestamp(), ThreadCpuTime.Now(), t_accountedTicks, t_accountedCpu);
        t_current = stage;
        return span;
    }

    /// <summary>Closes <paramref name="span"/>, charging its stage with its own time and <paramref name="rows"/> rows.</summary>
    public static void End(in StageSpan span, int rows)
    {
        if (span.Stage is not { } stage)
        {
            return;
        }

        var elapsed = Stopwatch.GetTimestamp() - span.Timestamp;
        var cpu = ThreadCpuTime.Now() - span.Cpu;
        stage.AddWork(Math.Max(0, elapsed - (t_accountedTicks - span.AccountedTicks)), Math.Max(0, cpu - (t_accountedCpu - span.AccountedCpu)), rows);
        // The whole span is now accounted for: a span around it subtracts all of it.
        t_accountedTicks = span.AccountedTicks + elapsed;
        t_accountedCpu = span.AccountedCpu + cpu;
        t_current = span.Previous;
    }

    /// <summary>
    /// <paramref name="items"/>, each produced in a span of <paramref name="stage"/>: for a stage that pulls its
    /// input through an enumerator (the writer's copy of the scored blocks).
    /// </summary>
    public static IEnumerable<T> Spans<T>(IEnumerable<T> items, StageMeter? stage)
    {
        using var enumerator = items.GetEnumerator();
        while (true)
        {
            var span = Begin(stage);
            bool more;
            try
            {
                more = enumerator.MoveNext();
            }
            finally
            {
                End(span, 0);
            }

            if (!more)
            {
                yield break;
            }

            yield return enumerator.Current;
        }
    }

    /// <summary>
    /// Charges the wait since <paramref name="startTimestamp"/> for a block from an upstream stage to the stage whose
    /// span is open on this thread, if any.
    /// </summary>
    public static void WaitedForInput(long startTimestamp)
    {
        var waited = Stopwatch.GetTimestamp() - startTimestamp;
        t_accountedTicks += waited;
        t_current?.AddBlockedOnInput(waited);
    }

    /// <summary>Charges the wait since <paramref name="startTimestamp"/> for room downstream to <paramref name="stage"/>.</summary>
    public static void WaitedForOutput(StageMeter? stage, long startTimestamp)
    {
        if (stage is null)
        {
            return;
        }

        var waited = Stopwatch.GetTimestamp() - startTimestamp;
        t_accountedTicks += waited;
        stage.AddBlockedOnOutput(waited);
    }
}

/// <summary>An open span of a stage's work (see <see cref="StageClock"/>).</summary>
internal readonly record struct StageSpan(StageMeter? Stage, StageMeter? Previous, long Timestamp, long Cpu, long AccountedTicks, long AccountedCpu);
