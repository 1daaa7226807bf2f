using System.Diagnostics;

namespace MlNetBatch.Benchmarks;

/// <summary>Times a piece of work that processes a known number of rows: warm-up runs, then the best of several runs.</summary>
internal static class Measurement
{
    private const int MaxWarmUps = 12;

    public static double RowsPerSecond(string name, long rows, int repetitions, Action run) => Run(name, rows, repetitions, run).RowsPerSecond;

    /// <summary>
    /// Measures <paramref name="copies"/> copies of the work running at once, one per thread: what each row costs
    /// when every core is busy, as in a job, rather than with the other cores idle. <paramref name="run"/> gets the copy's number.
    /// </summary>
    public static Measured RunConcurrently(string name, long rows, int repetitions, int copies, Action<int> run) =>
        Run(name, rows * copies, repetitions, () =>
        {
            var threads = Enumerable.Range(0, copies).Select(copy => new Thread(() => run(copy))).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        });

    /// <summary>Measures the work and prints its rate; the result also carries the CPU time the best run used.</summary>
    public static Measured Run(string name, long rows, int repetitions, Action run)
    {
        // Warm up until the JIT has finished tiering up what the work calls: steady state, as in a long batch job.
        // Code that runs once per partition or per job needs many runs before it is recompiled optimised.
        run();
        for (var warmUp = 0; warmUp < MaxWarmUps; warmUp++)
        {
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            Thread.Sleep(200);
            run();
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - compiled < 10)
            {
                break;
            }
        }

        var best = TimeSpan.MaxValue;
        var bestCpu = TimeSpan.Zero;
        var process = System.Diagnostics.Process.GetCurrentProcess();
        for (var i = 0; i < repetitions; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            run();
            stopwatch.Stop();
            process.Refresh();
            if (stopwatch.Elapsed < best)
            {
                best = stopwatch.Elapsed;
                bestCpu = process.TotalProcessorTime - cpuBefore;
            }
        }

        var measured = new Measured(rows, best, bestCpu);
        Console.WriteLine($"  {name,-48} {measured.RowsPerSecond,14:N0} rows/s   ({rows:N0} rows in {best.TotalMilliseconds:N0} ms, {bestCpu.TotalMilliseconds:N0} ms CPU)");
        return measured;
    }
}

/// <summary>The best run of a measurement: how long it took and how much processor time the process spent.</summary>
internal sealed record Measured(long Rows, TimeSpan Elapsed, TimeSpan Cpu)
{
    public double RowsPerSecond => Rows / Elapsed.TotalSeconds;

    /// <summary>Processor time per row, in microseconds, summed over all threads.</summary>
    public double CpuMicrosecondsPerRow => Cpu.TotalMicroseconds / Rows;
}
