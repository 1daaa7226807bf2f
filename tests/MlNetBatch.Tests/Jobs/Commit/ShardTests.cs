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

        // A rerun of one shard resumes its share and leaves the output complete.
        var again = await runner.RunAsync("sharded", job, new JobRunOptions { Shard = JobShard.Of(1, 3) }, CancellationToken.None);
        Assert.Equal(again.Partitions, again.ResumedPartitions);
        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));

        // A run of the whole job is another split: it counts only its own records, scores everything once more, and
        // takes the shards' files over (their manifests go, so their records can never count again).
        var whole2 = await runner.RunAsync("sharded", job);
        Assert.Equal(0, whole2.ResumedPartitions);
        Assert.Equal(1200, whole2.RowsOut);
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "_manifest.shard-*"));
        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 1200));
    }

    [Fact]
    public async Task A_restarted_shard_rescores_only_its_share_and_SUCCESS_waits_for_its_siblings()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 3, rows: 300);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
        var whole = await runner.RunAsync("restart", job);

        var restarted = await runner.RunAsync("restart", job, new JobRunOptions { Shard = JobShard.Of(0, 2), Restart = true }, CancellationToken.None);

        Assert.Equal(0, restarted.ResumedPartitions);
        Assert.InRange(restarted.Partitions, 1, whole.Partitions - 1);
        // Shard 1/2 has not completed this plan: the output is not complete, though every row is there once.
        Assert.False(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 900));
        await runner.RunAsync("restart", job, new JobRunOptions { Shard = JobShard.Of(1, 2) }, CancellationToken.None);
        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 900));
    }

    [Fact]
    public async Task Records_of_another_split_never_count_again_after_a_run_with_another_model_overwrote_their_files()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 2, rows: 300);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
        var m1 = await File.ReadAllBytesAsync(job.Model.ModelPath);
        for (var i = 0; i < 2; i++)
        {
            await runner.RunAsync("revert", job, new JobRunOptions { Shard = JobShard.Of(i, 2) }, CancellationToken.None);
        }

        File.WriteAllBytes(job.Model.ModelPath, MlNetBatch.Samples.Generator.TabularModel.Build(seed: 7));
        await runner.RunAsync("revert", job);
        File.WriteAllBytes(job.Model.ModelPath, m1);
        var rescored = 0L;
        for (var i = 0; i < 2; i++)
        {
            var back = await runner.RunAsync("revert", job, new JobRunOptions { Shard = JobShard.Of(i, 2) }, CancellationToken.None);
            Assert.Equal(0, back.ResumedPartitions);
            rescored += back.RowsOut;
        }

        // Every row scored again with the first model: nothing of the second model's output is taken as the first's.
        Assert.Equal(600, rescored);
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 600));
        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
    }

    [Fact]
    public async Task A_shard_that_planned_an_older_input_never_deletes_what_a_sibling_committed_and_SUCCESS_waits()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 4, rows: 100);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
        var plan = await runner.PlanAsync("older", job);
        // The shard that owns part-3's partition runs over all four files; the other sees only the first three, as a
        // shard that listed the input before part-3 arrived would.
        var owner = JobShard.Of(0, 2).Owns(plan.Partitions.Single(p => p.Id.Contains("part-3", StringComparison.Ordinal)).Id) ? 0 : 1;
        await runner.RunAsync("older", job, new JobRunOptions { Shard = JobShard.Of(owner, 2) }, CancellationToken.None);
        var part3 = Directory.GetFiles(dir.Combine("out"), "part-3-*.parquet").Single();
        Directory.CreateDirectory(dir.Combine("older"));
        for (var f = 0; f < 3; f++)
        {
            File.Copy(dir.Combine("in", $"part-{f}.parquet"), dir.Combine("older", $"part-{f}.parquet"));
        }

        var older = TabularJobs.Parquet(dir.Combine("older", "*.parquet"), job.Model.ModelPath, dir.Combine("out"));

        await runner.RunAsync("older", older, new JobRunOptions { Shard = JobShard.Of(1 - owner, 2) }, CancellationToken.None);

        Assert.True(File.Exists(part3), "the sibling's committed file was deleted");
        Assert.False(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
    }

    [Fact]
    public async Task An_expired_lease_left_by_a_crash_does_not_hide_a_live_run_of_another_split()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var output = ObjectLocation.Local(dir.Combine("out"));
        var store = new LocalObjectStore();
        // _lease.json sorts first: an expired whole-job lease, then a live shard's.
        Directory.CreateDirectory(dir.Combine("out"));
        await File.WriteAllTextAsync(dir.Combine("out", OutputLease.LeaseName), System.Text.Json.JsonSerializer.Serialize(new { Holder = "crashed", Job = "split", ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-5) }));
        await using (await OutputLease.AcquireAsync(store, output, "split", JobShard.Of(1, 2), TimeSpan.FromMinutes(5), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default))
        {
            await Assert.ThrowsAsync<OutputLeasedException>(() =>
                new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("split", job, new JobRunOptions { Shard = JobShard.Of(0, 3) }, CancellationToken.None));
        }
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
    public async Task A_sibling_shard_scoring_with_other_settings_or_another_job_is_refused()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 2);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var output = ObjectLocation.Local(dir.Combine("out"));
        await using (await OutputLease.AcquireAsync(new LocalObjectStore(), output, "side", JobShard.Of(0, 2), "other-settings/other-model", TimeSpan.FromMinutes(5), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default))
        {
            var error = await Assert.ThrowsAsync<OutputLeasedException>(() =>
                new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("side", job, new JobRunOptions { Shard = JobShard.Of(1, 2) }, CancellationToken.None));
            Assert.Contains("other settings or model", error.Message);
        }

        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.parquet"));
    }
}
