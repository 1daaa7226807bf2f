using System.Diagnostics;
using MlNetBatch.Scoring.Backends;

namespace MlNetBatch.Tests.Scoring.Backends;

public class RunSizeTunerTests
{
    /// <summary>
    /// A GPU-like curve: rows per second grow with the batch (the device is under-used) up to 512 rows, then flatten
    /// (it is saturated), then fall a little (larger batches only cost memory and cache).
    /// </summary>
    private static double SaturatingCurve(int rows) => rows switch
    {
        <= 512 => 1_000 * rows,
        <= 1024 => 512_000 * 1.02,
        _ => 512_000 * 0.9,
    };

    [Fact]
    public void The_batch_grows_while_throughput_improves_and_settles_at_the_best_size()
    {
        var tuner = new RunSizeTuner(initial: 32, maximum: 8192);

        var sizes = Drive(tuner, SaturatingCurve, runs: 200);

        Assert.True(tuner.Settled);
        // 1024 was tried but gained only 2 %, under the 5 % a doubling must earn.
        Assert.Equal(512, tuner.RunRows);
        Assert.Equal([32, 64, 128, 256, 512, 1024, 512], sizes.Where((size, i) => i == 0 || size != sizes[i - 1]).ToArray());
        Assert.DoesNotContain(2048, sizes);
    }

    [Fact]
    public void Growth_stops_at_the_slot_size()
    {
        var tuner = new RunSizeTuner(initial: 32, maximum: 200);

        Drive(tuner, rows => 1_000 * rows, runs: 100);

        Assert.True(tuner.Settled);
        Assert.Equal(200, tuner.RunRows);
    }

    [Fact]
    public void Running_out_of_memory_while_growing_backs_off_to_the_best_size_that_fit()
    {
        var tuner = new RunSizeTuner(initial: 32, maximum: 8192);
        // Linear gains all the way: only memory stops the growth, at 256 rows.
        Drive(tuner, rows => 1_000 * rows, runs: 12);
        Assert.Equal(256, tuner.RunRows);

        tuner.OutOfMemory(256);

        Assert.True(tuner.Settled);
        Assert.Equal(128, tuner.RunRows);
        Drive(tuner, rows => 1_000 * rows, runs: 20);
        Assert.Equal(128, tuner.RunRows);
    }

    [Fact]
    public void Runs_of_another_size_and_the_first_run_at_a_size_are_not_measured()
    {
        var tuner = new RunSizeTuner(initial: 32, maximum: 1024, samplesPerSize: 1);

        tuner.Record(7, Ticks(7, 1));              // a slot's short tail: ignored
        tuner.Record(32, Ticks(32, 1));            // warm-up at 32: ignored
        Assert.Equal(32, tuner.RunRows);
        tuner.Record(32, Ticks(32, 1_000));        // measured
        Assert.Equal(64, tuner.RunRows);
    }

    /// <summary>Feeds the tuner <paramref name="runs"/> runs at the size it asks for, each timed by <paramref name="curve"/>.</summary>
    private static List<int> Drive(RunSizeTuner tuner, Func<int, double> curve, int runs)
    {
        var sizes = new List<int>();
        for (var i = 0; i < runs; i++)
        {
            var rows = tuner.RunRows;
            sizes.Add(rows);
            tuner.Record(rows, Ticks(rows, curve(rows)));
        }

        return sizes;
    }

    private static long Ticks(int rows, double rowsPerSecond) => (long)(rows / rowsPerSecond * Stopwatch.Frequency);
}
