using MlNetBatch.Jobs.Observation;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.History;

namespace MlNetBatch.Tests.Worker.Operations;

public class HistoryProcessTests
{
    [Fact]
    public async Task History_kept_by_one_worker_process_is_listed_by_the_next_with_a_killed_run_as_interrupted()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 400, 100, seed: 6);
        var config = await WorkerConfigFiles.WriteAsync(dir, "jobs", new Dictionary<string, System.Text.Json.Nodes.JsonObject>
        {
            ["kept"] = WorkerConfigFiles.Job(dir.Combine("in.parquet"), dir.Combine("out")),
        });

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "kept", "--config", config);
        Assert.True(exit == 0, output);
        var marker = dir.Combine("halted");
        using (var worker = WorkerProcess.StartHalting(dir.Path, JobPoint.DuringScoring, 1, marker, "run", "kept", "--config", config, "--restart"))
        {
            Assert.True(await worker.WaitForFileAsync(marker, TimeSpan.FromMinutes(2)), worker.Output);
            worker.Kill();
            await worker.WaitForExitAsync(TimeSpan.FromMinutes(1));
        }

        var (historyExit, history) = await WorkerProcess.RunAsync(dir.Path, null, "history", "--config", config);

        Assert.True(historyExit == 0, history);
        // The default state directory is .mlnetbatch under the working directory.
        Assert.True(File.Exists(dir.Combine(StateDirectoryOptions.DefaultFolder, RunHistoryOptions.FileName)));
        var lines = history.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Contains(" kept ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 2, history);
        Assert.Matches(@"kept\s+interrupted\s+0\s+0\s+0\s+0\s+0\.0 s\s+-\s+The process running it ended before the run finished\.", lines[0]);
        Assert.Matches(@"kept\s+succeeded\s+400\s+400\s+0\s+0\s+\d+\.\d s", lines[1]);
    }
}
