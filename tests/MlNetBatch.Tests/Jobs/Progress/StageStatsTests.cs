using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Progress;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Progress;

public class StageStatsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public async Task A_runs_stages_account_for_every_row_and_byte_in_pipeline_order(int parallelism)
    {
        using var dir = new TempDirectory();
        var job = StatsJobs.Trips(dir, "out", parallelism);

        var summary = await StatsJobs.Runner(dir).RunAsync("stats", job);

        Assert.True(summary.Partitions > 1, $"only {summary.Partitions} partition(s)");
        Assert.Equal(1200, summary.RowsIn);
        Assert.Equal(StatsJobs.BadRows.Count, summary.BadRows);
        Assert.True(summary.FilteredRows > 0);
        Assert.Equal(summary.RowsIn, summary.RowsOut + summary.BadRows + summary.FilteredRows);

        // Concatenate feeds only the model, so it is folded into the model's input and is no stage of its own.
        Assert.Equal(["read", "DateTimeParts", "Filter", "score", "write"], summary.Stages.Select(s => s.Name));
        var stages = summary.Stages.ToDictionary(s => s.Name);
        Assert.Equal(summary.RowsIn, stages["read"].Rows);
        Assert.Equal(summary.RowsIn - summary.BadRows, stages["DateTimeParts"].Rows);
        Assert.Equal(summary.RowsOut, stages["Filter"].Rows);
        Assert.Equal(summary.RowsOut, stages["score"].Rows);
        Assert.Equal(summary.RowsOut, stages["write"].Rows);

        // Every byte of the input is read (a CSV partition reads whole buffers, on past its end to finish its last line),
        // and the write stage's bytes are the output files'.
        Assert.True(stages["read"].Bytes >= new FileInfo(dir.Combine("in", "trips.csv")).Length, $"{stages["read"].Bytes} bytes read");
        Assert.Equal(summary.OutputFiles.Sum(f => new FileInfo(f).Length), stages["write"].Bytes);
        Assert.Null(stages["score"].Bytes);

        Assert.All(summary.Stages, s => Assert.True(s.Wall > TimeSpan.Zero, $"{s.Name} took no time"));
        if (OperatingSystem.IsLinux())
        {
            Assert.All(summary.Stages, s => Assert.NotNull(s.Cpu));
            Assert.True(stages["score"].Cpu > TimeSpan.Zero);
        }

        Assert.Contains(summary.Bottleneck, summary.Stages.Select(s => s.Name));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public async Task A_job_with_a_slow_step_names_that_step_as_the_bottleneck(int parallelism)
    {
        using var dir = new TempDirectory();
        var job = await StatsJobs.SlowAsync(dir, "out", parallelism);

        var summary = await StatsJobs.Runner(dir).RunAsync("slow", job);

        Assert.Equal(2000, summary.RowsOut);
        Assert.Equal(StatsJobs.SlowStep, summary.Bottleneck);
        var slow = summary.Stages.Single(s => s.Name == StatsJobs.SlowStep);
        // 20 blocks of 100 rows, each asleep for 25 ms; sleeping is no processor time.
        Assert.True(slow.Wall >= TimeSpan.FromMilliseconds(20 * 25 * 0.9), $"the step took {slow.Wall}");
        Assert.All(summary.Stages.Where(s => s != slow), s => Assert.True(s.Wall < slow.Wall, $"{s.Name}: {s.Wall} against {slow.Wall}"));
        if (OperatingSystem.IsLinux())
        {
            Assert.True(slow.Cpu < slow.Wall / 2, $"asleep, yet {slow.Cpu} CPU of {slow.Wall}");
        }

        // The stages after it waited for it, unless every stage ran on one thread (a partition per core), where nothing waits.
        var score = summary.Stages.Single(s => s.Name == "score");
        Assert.True(score.BlockedOnInput > TimeSpan.Zero || score.BlockedOnOutput == TimeSpan.Zero);
    }

    [Fact]
    public void The_bottleneck_is_the_stage_with_the_most_own_work_and_ties_go_to_the_least_blocked()
    {
        var s = TimeSpan.FromSeconds(1);
        StageStats Stage(string name, double wall, double blocked) => new(name, wall * s, null, 10, null, blocked * s, TimeSpan.Zero);

        Assert.Equal("score", StageStats.Bottleneck([Stage("read", 1, 5), Stage("score", 4, 0), Stage("write", 2, 3)]));
        Assert.Equal("write", StageStats.Bottleneck([Stage("read", 2, 5), Stage("write", 2, 1)]));
        Assert.Null(StageStats.Bottleneck([]));
    }
}
