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
        await ExactlyOnceTests.WriteInputAsync(dir, files: 12, rows: 300);
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
        Assert.InRange(committed, 1, 35);

        // The other run is over: the next run resumes from what was committed and completes, every row once.
        File.Delete(lease);
        var rerun = await runner.RunAsync("lost", job);
        Assert.Equal(36, rerun.Partitions);
        Assert.True(rerun.ResumedPartitions >= 1, "nothing committed before the loss was kept");
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 3600));
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
}
