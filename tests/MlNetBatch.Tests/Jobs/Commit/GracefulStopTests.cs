using MlNetBatch.Jobs.Observation;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>The real worker stopped with SIGTERM in the middle of a run: it exits within its grace period, and the next run resumes.</summary>
public class GracefulStopTests
{
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
}
