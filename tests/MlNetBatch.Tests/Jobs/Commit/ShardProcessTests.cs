using MlNetBatch.Jobs.Commit;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>Shards as an orchestrator runs them: separate worker processes started at once on one output.</summary>
public class ShardProcessTests
{
    [Fact]
    public async Task Shards_0_1_and_2_of_3_as_separate_processes_cover_every_partition_once_and_SUCCESS_appears()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 6, rows: 300);
        var config = await TabularJobs.WriteConfigAsync(dir, "fanout", dir.Combine("in", "*.parquet"), dir.Combine("out"));

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => WorkerProcess.RunAsync(dir.Path, null, "run", "fanout", "--shard", $"{i}/3", "--config", config)));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Output));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 1800));
        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
        // 18 partitions (a row group each) over three shards: each took a share, and the shares add up.
        var shares = runs.Select(run => int.Parse(System.Text.RegularExpressions.Regex.Match(run.Output, @"Job 'fanout': (\d+) partitions").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(18, shares.Sum());
        Assert.All(shares, share => Assert.InRange(share, 1, 17));
    }

    [Fact]
    public async Task A_malformed_shard_is_one_line_and_nothing_is_written()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1);
        var config = await TabularJobs.WriteConfigAsync(dir, "fanout", dir.Combine("in", "*.parquet"), dir.Combine("out"));

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "fanout", "--shard", "3/3", "--config", config);

        Assert.NotEqual(0, exit);
        Assert.Contains("'3/3' is not a shard: N must be at least 1 and i between 0 and N-1.", output);
        Assert.False(Directory.Exists(dir.Combine("out")));
    }
}
