using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>
/// <c>--shard i/N</c>: shards of one job take disjoint shares of the partitions, write to the same output under their
/// own leases and manifests, and <c>_SUCCESS</c> appears when the last of them commits its share.
/// </summary>
public class ShardTests
{
    [Fact]
    public void Every_partition_id_belongs_to_exactly_one_shard_of_N_whatever_N()
    {
        var random = new Random(11);
        for (var count = 1; count <= 7; count++)
        {
            var shards = Enumerable.Range(0, count).Select(i => JobShard.Of(i, count)).ToList();
            for (var n = 0; n < 500; n++)
            {
                var id = $"{new string((char)random.Next('a', 'z'), random.Next(1, 9))}/part-{random.Next()}.parquet#{random.Next(0, 9)}";
                Assert.Equal(1, shards.Count(s => s.Owns(id)));
            }
        }

        // Stable: the same answer on every machine and run (the first bytes of SHA-256 of the id).
        Assert.True(JobShard.Of(0, 3).Owns("in/part-0.parquet#0") || JobShard.Of(1, 3).Owns("in/part-0.parquet#0") || JobShard.Of(2, 3).Owns("in/part-0.parquet#0"));
        Assert.Equal(JobShard.Of(1, 3).Owns("x"), JobShard.Of(1, 3).Owns("x"));
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void A_malformed_shard_is_refused_with_the_form_to_use(string text)
    {
        Assert.False(JobShard.TryParse(text, out var shard, out var problem));
        Assert.Null(shard);
        Assert.Contains($"'{text}' is not a shard", problem);
    }

    [Fact]
    public async Task Three_shards_one_after_another_cover_every_row_once_and_the_last_writes_SUCCESS()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 4, rows: 300);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
        var summaries = new List<JobRunSummary>();
        for (var i = 0; i < 3; i++)
        {
            Assert.False(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
            summaries.Add(await runner.RunAsync("sharded", job, new JobRunOptions { Shard = JobShard.Of(i, 3) }, CancellationToken.None));
        }

        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
        var whole = await runner.PlanAsync("sharded", job);
        Assert.Equal(whole.Partitions.Count, summaries.Sum(s => s.Partitions));
        Assert.Equal(1200, summaries.Sum(s => s.RowsOut));
        Assert.All(summaries, s => Assert.True(s.Partitions > 0, "a shard of three got no partition of twelve"));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 1200));
        Assert.Equal(3, Directory.GetFiles(dir.Combine("out"), "_manifest.shard-*-of-3.json").Length);
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "_lease*"));

        // A run of the whole job finds every partition committed by the shards, and a rerun of one shard too.
        var resumed = await runner.RunAsync("sharded", job);
        Assert.Equal(whole.Partitions.Count, resumed.ResumedPartitions);
        Assert.Equal(0, resumed.RowsOut);
        var again = await runner.RunAsync("sharded", job, new JobRunOptions { Shard = JobShard.Of(1, 3) }, CancellationToken.None);
        Assert.Equal(again.Partitions, again.ResumedPartitions);
        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
    }

    [Fact]
    public async Task A_restarted_shard_rescores_only_its_share_and_the_output_stays_exactly_once()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 3, rows: 300);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
        var whole = await runner.RunAsync("restart", job);

        var restarted = await runner.RunAsync("restart", job, new JobRunOptions { Shard = JobShard.Of(0, 2), Restart = true }, CancellationToken.None);

        Assert.Equal(0, restarted.ResumedPartitions);
        Assert.InRange(restarted.Partitions, 1, whole.Partitions - 1);
        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 900));
    }

    [Theory]
    [InlineData(null, 2, 0)]
    [InlineData(0, 2, null)]
    [InlineData(0, 3, 1)]
    public async Task A_run_that_would_score_partitions_of_a_live_run_of_another_split_is_refused(int? heldIndex, int heldCount, int? runIndex)
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var held = heldIndex is { } h ? JobShard.Of(h, heldCount) : null;
        var run = runIndex is { } r ? JobShard.Of(r, heldCount == 3 ? 2 : heldCount) : null;
        var output = ObjectLocation.Local(dir.Combine("out"));
        await using (await OutputLease.AcquireAsync(new LocalObjectStore(), output, "other", held, TimeSpan.FromMinutes(5), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default))
        {
            var error = await Assert.ThrowsAsync<OutputLeasedException>(() =>
                new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("split", job, new JobRunOptions { Shard = run }, CancellationToken.None));
            Assert.Contains("is in use by another run", error.Message);
        }

        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.parquet"));
    }

    [Fact]
    public async Task Shards_of_the_same_count_run_side_by_side()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 2);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var output = ObjectLocation.Local(dir.Combine("out"));
        await using (await OutputLease.AcquireAsync(new LocalObjectStore(), output, "other", JobShard.Of(0, 2), TimeSpan.FromMinutes(5), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default))
        {
            var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("side", job, new JobRunOptions { Shard = JobShard.Of(1, 2) }, CancellationToken.None);
            Assert.True(summary.Partitions > 0);
            // Shard 0 has not run: the output is not complete.
            Assert.False(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
        }
    }
}
