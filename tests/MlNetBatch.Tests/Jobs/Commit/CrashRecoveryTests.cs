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
        // Each partition committed before the kill has its record, and the next run counts exactly those: a run halted
        // after publishing a partition's file had recorded at least the partitions that got there before it.
        var records = CommitRecords(dir);
        if (point == nameof(JobPoint.AfterOutputCommit))
        {
            Assert.True(records.Length >= occurrence - 1, $"{records.Length} commit records");
        }

        // The dead run's lease stays until it expires (3 s here); a run after that takes over.
        Assert.True(File.Exists(dir.Combine("out", "_lease.json")));
        await WaitUntilLeaseExpiresAsync(dir.Combine("out", "_lease.json"));
        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "crashing", "--config", crashing);

        Assert.True(exit == 0, output);
        Assert.Contains($"({records.Length} already committed)", output);
        Assert.True(File.Exists(dir.Combine("out", "_SUCCESS")));
        Assert.Empty(CommitRecords(dir));
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.inprogress"));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 1200));
        // The clean run (the class fixture's) scored the same input.
        Assert.Equal(cleanRun.Scores, ExactlyOnceTests.ScoresById(new MLContext(), dir.Combine("out")));
    }

    private static string[] CommitRecords(TempDirectory dir) =>
        Directory.Exists(dir.Combine("out", "_commits")) ? Directory.GetFiles(dir.Combine("out", "_commits"), "*.json") : [];

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
}
