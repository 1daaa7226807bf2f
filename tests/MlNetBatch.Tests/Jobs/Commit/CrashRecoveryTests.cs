using System.Text.Json;
using Microsoft.ML;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>
/// Runs the real worker, kills it with SIGKILL at points of the commit protocol, runs it again, and checks that every
/// input row appears exactly once in the committed output with the scores of a clean run.
/// </summary>
public class CrashRecoveryTests(CleanTabularRunFixture cleanRun) : IClassFixture<CleanTabularRunFixture>
{
    [Theory]
    [InlineData(nameof(JobPoint.DuringRead), 3)]
    [InlineData(nameof(JobPoint.DuringScoring), 4)]
    [InlineData(nameof(JobPoint.BeforeOutputRename), 3)]
    [InlineData(nameof(JobPoint.AfterOutputCommit), 2)]
    public async Task A_worker_killed_at_any_point_resumes_to_exactly_once_output(string point, int occurrence)
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, CleanTabularRunFixture.Files, CleanTabularRunFixture.Rows);
        var crashing = await TabularJobs.WriteConfigAsync(dir, "crashing", dir.Combine("in", "*.parquet"), dir.Combine("out"), parallelism: 1, leaseDuration: "00:00:03");

        var marker = dir.Combine("halted");
        using (var worker = WorkerProcess.StartHalting(dir.Path, Enum.Parse<JobPoint>(point), occurrence, marker, "run", "crashing", "--config", crashing))
        {
            Assert.True(await worker.WaitForFileAsync(marker, TimeSpan.FromMinutes(2)), $"the worker never reached {point}: {worker.Output}");
            worker.Kill();
            await worker.WaitForExitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.False(File.Exists(dir.Combine("out", "_SUCCESS")));
        // The dead run's lease stays until it expires (3 s here); a run after that takes over.
        Assert.True(File.Exists(dir.Combine("out", "_lease.json")));
        await WaitUntilLeaseExpiresAsync(dir.Combine("out", "_lease.json"));
        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "crashing", "--config", crashing);

        Assert.True(exit == 0, output);
        Assert.True(File.Exists(dir.Combine("out", "_SUCCESS")));
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.inprogress"));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 1200));
        // The clean run (the class fixture's) scored the same input.
        Assert.Equal(cleanRun.Scores, ExactlyOnceTests.ScoresById(new MLContext(), dir.Combine("out")));
    }

    [Fact]
    public async Task SIGTERM_stops_the_worker_after_the_grace_period_with_exit_130_and_the_next_run_resumes()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 3, rows: 400);
        var config = await TabularJobs.WriteConfigAsync(dir, "stopping", dir.Combine("in", "*.parquet"), dir.Combine("out"), parallelism: 1, shutdownGrace: "00:00:01");
        var marker = dir.Combine("stuck");
        // A partition that never finishes scoring: the stop must not wait for it beyond the grace period.
        using var worker = WorkerProcess.StartHalting(dir.Path, JobPoint.DuringScoring, 5, marker, "run", "stopping", "--config", config);
        Assert.True(await worker.WaitForFileAsync(marker, TimeSpan.FromMinutes(2)), $"the worker never reached the stuck partition: {worker.Output}");
        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(130, worker.ExitCode);
        Assert.Matches(@"Job 'stopping' was stopped: [1-9]\d* of \d+ partitions are committed", worker.Output);
        Assert.False(File.Exists(dir.Combine("out", "_SUCCESS")));
        Assert.False(File.Exists(dir.Combine("out", "_lease.json")));

        var (exit, rerun) = await WorkerProcess.RunAsync(dir.Path, null, "run", "stopping", "--config", config);
        Assert.True(exit == 0, rerun);
        Assert.Matches(@"\(([1-9]\d*) already committed\)", rerun);
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 1200));
    }

    [Fact]
    public async Task Two_workers_on_the_same_output_one_wins_and_the_other_names_it_and_writes_nothing()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 2, rows: 300);
        // One partition at a time, so the halted first worker makes no progress while the second one tries.
        var config = await TabularJobs.WriteConfigAsync(dir, "shared", dir.Combine("in", "*.parquet"), dir.Combine("out"), parallelism: 1);
        var marker = dir.Combine("first-is-scoring");
        using var first = WorkerProcess.StartHalting(dir.Path, JobPoint.DuringScoring, 1, marker, "run", "shared", "--config", config);
        Assert.True(await first.WaitForFileAsync(marker, TimeSpan.FromMinutes(2)), $"the first worker never started scoring: {first.Output}");
        var before = OutputFiles(dir);

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "shared", "--config", config);

        Assert.Equal(1, exit);
        Assert.Contains("is in use by another run", output);
        Assert.Contains($"pid {first.Id}", output);
        Assert.Equal(before, OutputFiles(dir));
    }

    /// <summary>Waits until the lease a killed run left behind has expired, as the next run will see it.</summary>
    private static async Task WaitUntilLeaseExpiresAsync(string lease)
    {
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(lease));
        var expiresAt = json.RootElement.GetProperty("ExpiresAt").GetDateTimeOffset();
        while (DateTimeOffset.UtcNow <= expiresAt)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(10, (expiresAt - DateTimeOffset.UtcNow).TotalMilliseconds + 10)));
        }
    }

    /// <summary>The output directory's files, leaving out the lease renewals' short-lived temporary files.</summary>
    private static List<string> OutputFiles(TempDirectory dir) =>
        Directory.GetFiles(dir.Combine("out"), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".inprogress", StringComparison.Ordinal)).Order().ToList();
}
