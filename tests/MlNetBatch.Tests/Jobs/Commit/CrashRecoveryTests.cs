using Microsoft.ML;
using MlNetBatch.Jobs;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>
/// Runs the real worker, kills it with SIGKILL at points of the commit protocol, runs it again, and checks that every
/// input row appears exactly once in the committed output with the scores of a clean run.
/// </summary>
public class CrashRecoveryTests
{
    [Theory]
    [InlineData(CrashPoints.DuringRead, 3)]
    [InlineData(CrashPoints.DuringScoring, 4)]
    [InlineData(CrashPoints.BeforeOutputRename, 3)]
    [InlineData(CrashPoints.AfterOutputCommit, 2)]
    public async Task A_worker_killed_at_any_point_resumes_to_exactly_once_output(string point, int occurrence)
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 3, rows: 400);
        var clean = await TabularJobs.WriteConfigAsync(dir, "clean", dir.Combine("in", "*.parquet"), dir.Combine("clean"));
        var crashing = await TabularJobs.WriteConfigAsync(dir, "crashing", dir.Combine("in", "*.parquet"), dir.Combine("out"), parallelism: 1, leaseDuration: "00:00:03");
        Assert.Equal(0, (await WorkerProcess.RunAsync(dir.Path, null, "run", "clean", "--config", clean)).ExitCode);

        var marker = dir.Combine("halted");
        var environment = new Dictionary<string, string>
        {
            ["MLNETBATCH_TEST_HALT_AT"] = point,
            ["MLNETBATCH_TEST_HALT_AFTER"] = occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MLNETBATCH_TEST_HALT_MARKER"] = marker,
        };
        using (var worker = WorkerProcess.Start(dir.Path, environment, "run", "crashing", "--config", crashing))
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!File.Exists(marker) && !worker.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            if (!File.Exists(marker))
            {
                worker.Kill(entireProcessTree: true);
                Assert.Fail($"the worker never reached {point}: {await worker.StandardOutput.ReadToEndAsync()}{await worker.StandardError.ReadToEndAsync()}");
            }

            worker.Kill(entireProcessTree: true); // SIGKILL: no clean-up code runs.
            await worker.WaitForExitAsync();
        }

        Assert.False(File.Exists(dir.Combine("out", "_SUCCESS")));
        // The dead run's lease stays until it expires (3 s here); a run after that takes over.
        Assert.True(File.Exists(dir.Combine("out", "_lease.json")));
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "crashing", "--config", crashing);

        Assert.True(exit == 0, output);
        Assert.True(File.Exists(dir.Combine("out", "_SUCCESS")));
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.inprogress"));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 1200));
        var ml = new MLContext();
        Assert.Equal(ExactlyOnceTests.ScoresById(ml, dir.Combine("clean")), ExactlyOnceTests.ScoresById(ml, dir.Combine("out")));
    }

    [Fact]
    public async Task SIGTERM_stops_the_worker_after_the_grace_period_with_exit_130_and_the_next_run_resumes()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 3, rows: 400);
        var config = await TabularJobs.WriteConfigAsync(dir, "stopping", dir.Combine("in", "*.parquet"), dir.Combine("out"), parallelism: 1, shutdownGrace: "00:00:01");
        var marker = dir.Combine("stuck");
        using var worker = WorkerProcess.Start(dir.Path, new Dictionary<string, string>
        {
            // A partition that never finishes scoring: the stop must not wait for it beyond the grace period.
            ["MLNETBATCH_TEST_HALT_AT"] = CrashPoints.DuringScoring,
            ["MLNETBATCH_TEST_HALT_AFTER"] = "5",
            ["MLNETBATCH_TEST_HALT_MARKER"] = marker,
        }, "run", "stopping", "--config", config);
        var output = worker.StandardOutput.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.Exists(marker) && !worker.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(File.Exists(marker), "the worker never reached the stuck partition");
        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(130, worker.ExitCode);
        Assert.Matches(@"Job 'stopping' was stopped: [1-9]\d* of \d+ partitions are committed", await output);
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
        var first = WorkerProcess.Start(dir.Path, new Dictionary<string, string>
        {
            ["MLNETBATCH_TEST_HALT_AT"] = CrashPoints.DuringScoring,
            ["MLNETBATCH_TEST_HALT_MARKER"] = marker,
        }, "run", "shared", "--config", config);
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!File.Exists(marker) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.True(File.Exists(marker), "the first worker never started scoring");
            var before = OutputFiles(dir);

            var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "shared", "--config", config);

            Assert.Equal(1, exit);
            Assert.Contains("is in use by another run", output);
            Assert.Contains($"pid {first.Id}", output);
            Assert.Equal(before, OutputFiles(dir));
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            first.Dispose();
        }
    }

    /// <summary>The output directory's files, leaving out the lease renewals' short-lived temporary files.</summary>
    private static List<string> OutputFiles(TempDirectory dir) =>
        Directory.GetFiles(dir.Combine("out"), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".inprogress", StringComparison.Ordinal)).Order().ToList();
}
