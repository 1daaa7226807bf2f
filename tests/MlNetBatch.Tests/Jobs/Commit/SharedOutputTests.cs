using MlNetBatch.Jobs.Observation;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>Two real workers started on the same output: the output's lease lets one of them run.</summary>
public class SharedOutputTests
{
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

    /// <summary>The output directory's files, leaving out the lease renewals' short-lived temporary files.</summary>
    private static List<string> OutputFiles(TempDirectory dir) =>
        Directory.GetFiles(dir.Combine("out"), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".inprogress", StringComparison.Ordinal)).Order().ToList();
}
