using System.Diagnostics;

namespace MlNetBatch.Benchmarks;

/// <summary>Times a piece of work that processes a known number of rows: one warm-up, then the best of several runs.</summary>
internal static class Measurement
{
    public static double RowsPerSecond(string name, long rows, int repetitions, Action run)
    {
        run();
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < repetitions; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var stopwatch = Stopwatch.StartNew();
            run();
            stopwatch.Stop();
            if (stopwatch.Elapsed < best)
            {
                best = stopwatch.Elapsed;
            }
        }

        var rate = rows / best.TotalSeconds;
        Console.WriteLine($"  {name,-44} {rate,14:N0} rows/s   ({rows:N0} rows in {best.TotalMilliseconds:N0} ms)");
        return rate;
    }
}
