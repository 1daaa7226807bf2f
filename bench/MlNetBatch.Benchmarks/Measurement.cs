using System.Diagnostics;

namespace MlNetBatch.Benchmarks;

/// <summary>Times a piece of work that processes a known number of rows: one warm-up, then the best of several runs.</summary>
internal static class Measurement
{
    public static double RowsPerSecond(string name, long rows, int repetitions, Action run)
    {
        run();
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

        var rate = rows / best.TotalSeconds;
        Console.WriteLine($"  {name,-44} {rate,14:N0} rows/s   ({rows:N0} rows in {best.TotalMilliseconds:N0} ms, {bestCpu.TotalMilliseconds:N0} ms CPU)");
        return rate;
    }
}
