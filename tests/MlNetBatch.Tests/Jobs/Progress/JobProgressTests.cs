using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Progress;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Progress;

public class JobProgressTests
{
    [Fact]
    public async Task Progress_read_from_code_rises_while_the_run_goes_and_ends_at_the_summarys_numbers()
    {
        using var dir = new TempDirectory();
        var job = await StatsJobs.SlowAsync(dir, "out", parallelism: 1);
        var progress = new JobProgress();
        var seen = new List<(int Partitions, long Rows)>();

        var run = StatsJobs.Runner(dir).RunAsync("watched", job, new JobRunOptions { Progress = progress }, CancellationToken.None);
        while (!run.IsCompleted)
        {
            seen.Add((progress.PartitionsDone, progress.RowsDone));
            await Task.Delay(10);
        }

        var summary = await run;
        Assert.True(progress.IsFinished);
        Assert.Equal("watched", progress.Job);
        Assert.Equal(summary.Partitions, progress.Partitions);
        Assert.Equal(summary.Partitions, progress.PartitionsDone);
        // Parquet row groups say how many rows there are before reading.
        Assert.Equal(2000, progress.Rows);
        Assert.Equal(summary.RowsIn, progress.RowsDone);
        Assert.Equal(summary.BadRows, progress.BadRows);
        Assert.Equal(TimeSpan.Zero, progress.Eta);
        Assert.Contains(seen, s => s.Rows > 0 && s.Rows < 2000);
        Assert.Equal(seen.Select(s => s.Rows).Order(), seen.Select(s => s.Rows));
        Assert.Equal(seen.Select(s => s.Partitions).Order(), seen.Select(s => s.Partitions));
        Assert.Equal(summary.Stages.Select(s => s.Name), progress.Stages.Select(s => s.Name));
        Assert.Empty(progress.Queues);
        Assert.Contains($"{summary.Partitions}/{summary.Partitions} partitions, 2,000/2,000 rows", progress.ToString());
    }

    [Fact]
    public async Task A_rerun_that_resumes_everything_counts_the_partitions_as_done_and_reads_nothing()
    {
        using var dir = new TempDirectory();
        var job = StatsJobs.Trips(dir, "out", parallelism: 2);
        var first = await StatsJobs.Runner(dir).RunAsync("resumed", job);
        var progress = new JobProgress();

        var again = await StatsJobs.Runner(dir).RunAsync("resumed", job, new JobRunOptions { Progress = progress }, CancellationToken.None);

        Assert.Equal(first.Partitions, again.ResumedPartitions);
        Assert.Equal(first.Partitions, progress.ResumedPartitions);
        Assert.Equal(first.Partitions, progress.PartitionsDone);
        Assert.Equal(0, progress.RowsDone);
        // CSV partitions do not know their rows before reading; none were left to read.
        Assert.Equal(0, progress.Rows);
        Assert.Empty(again.Stages);
        Assert.Null(again.Bottleneck);
    }
}
