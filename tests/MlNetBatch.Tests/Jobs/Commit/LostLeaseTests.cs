using System.Text.Json;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>A run whose lease is taken by another run, or removed, while it runs commits nothing more.</summary>
public class LostLeaseTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_run_whose_lease_is_taken_or_removed_stops_committing_and_a_rerun_completes_exactly_once(bool takenByAnother)
    {
        using var dir = new TempDirectory();
        // Enough partitions, scored one at a time, for the run to outlast a renewal after the first commit.
        await ExactlyOnceTests.WriteInputAsync(dir, files: 60, rows: 300);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        job.Execution.Parallelism = 1;
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
        var lease = dir.Combine("out", OutputLease.LeaseName);

        var run = runner.RunAsync("lost", job, new JobRunOptions { LeaseDuration = TimeSpan.FromMilliseconds(600) }, CancellationToken.None);
        while (!Directory.Exists(dir.Combine("out")) || Directory.GetFiles(dir.Combine("out"), "*.parquet").Length == 0)
        {
            Assert.False(run.IsCompleted, "the run finished before the lease could be taken");
            await Task.Delay(5);
        }

        if (takenByAnother)
        {
            await File.WriteAllTextAsync(lease, JsonSerializer.Serialize(new { Holder = "another-host/pid 1/run thief", Job = "lost", ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(5) }));
        }
        else
        {
            File.Delete(lease);
        }

        var error = await Assert.ThrowsAnyAsync<MlNetBatchException>(() => run);
        Assert.Contains("the lease on the output", error.Message);
        Assert.Contains(takenByAnother ? "it now belongs to another-host/pid 1/run thief" : "its file was removed", error.Message);
        var committed = Directory.GetFiles(dir.Combine("out"), "*.parquet").Length;
        Assert.InRange(committed, 1, 179);

        // The other run is over: the next run resumes from what was committed and completes, every row once.
        File.Delete(lease);
        var rerun = await runner.RunAsync("lost", job);
        Assert.Equal(180, rerun.Partitions);
        // Records not yet flushed when the loss was seen are not written (the output may be another run's by then):
        // those partitions are scored again, over their own files.
        Assert.Equal(180, rerun.ResumedPartitions + (int)(rerun.RowsOut / 100));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 18000));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("")]
    public async Task An_unreadable_lease_in_the_way_is_one_line_saying_how_to_recover_and_is_never_taken_for_expired(string content)
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        Directory.CreateDirectory(dir.Combine("out"));
        await File.WriteAllTextAsync(dir.Combine("out", OutputLease.LeaseName), content);

        var error = await Assert.ThrowsAnyAsync<MlNetBatchException>(() => new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("unreadable", job));

        Assert.Contains($"the lease {dir.Combine("out", OutputLease.LeaseName)} cannot be read", error.Message);
        Assert.Contains("If no run is writing to", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(content, await File.ReadAllTextAsync(dir.Combine("out", OutputLease.LeaseName)));
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.parquet"));
    }

    [Fact]
    public async Task A_lease_whose_renewals_keep_failing_counts_as_lost_once_it_runs_out()
    {
        using var dir = new TempDirectory();
        var store = new LeaseWritesFailing(new LocalObjectStore());
        var output = ObjectLocation.Local(dir.Combine("out"));
        await using var lease = await OutputLease.AcquireAsync(store, output, "outage", null, TimeSpan.FromMilliseconds(900), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default);
        lease.ThrowIfLost("outage", output);

        // Storage stops taking the renewals (an outage, or this process paused): nothing says the lease was taken,
        // but once it has run out another run may have it.
        store.Failing = true;
        await Task.Delay(TimeSpan.FromMilliseconds(1000));

        var error = Assert.Throws<OutputLeaseLostException>(() => lease.ThrowIfLost("outage", output));
        Assert.Contains("and not since", error.Message);
    }

    [Fact]
    public async Task A_run_takes_over_the_expired_lease_of_another_split_so_that_its_holder_stops_when_it_wakes()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        Directory.CreateDirectory(dir.Combine("out"));
        var shardLease = dir.Combine("out", OutputLease.Name(JobShard.Of(0, 2)));
        await File.WriteAllTextAsync(shardLease, JsonSerializer.Serialize(new { Holder = "paused-host/pid 7/run shard", Job = "wakes", ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }));

        await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("wakes", job);

        // Gone: a renewal or commit check of that run finds its lease removed and stops.
        Assert.False(File.Exists(shardLease));
        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
    }

    /// <summary>A store whose writes of lease files fail while <see cref="Failing"/> is set.</summary>
    private sealed class LeaseWritesFailing(IObjectStore inner) : ForwardingObjectStore(inner)
    {
        public volatile bool Failing;

        public override Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default) =>
            Failing && location.Key.EndsWith(OutputLease.LeaseName, StringComparison.Ordinal)
                ? throw new IOException("injected: storage unreachable")
                : base.TryReplaceAsync(location, content, expectedVersion, cancellationToken);
    }
}
