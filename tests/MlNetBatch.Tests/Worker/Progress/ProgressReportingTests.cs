using System.Text.RegularExpressions;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Jobs.Progress;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Tests.Worker.Progress;

[Collection(InProcessWorkerHostCollection.Name)]
public partial class ProgressReportingTests
{
    [Fact]
    public async Task Run_with_redirected_output_logs_progress_at_the_interval_and_the_final_numbers_add_up()
    {
        using var dir = new TempDirectory();
        // 8 partitions of 250 rows, each through a step that sleeps 25 ms per block of 50: about 1.5 s of runs, logged every 100 ms.
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 2000, 250, seed: 4);
        var settings = Settings(dir, "progress", interval: "00:00:00.1");
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "run", "progress");

        Assert.Equal(0, exit);
        var lines = (await File.ReadAllLinesAsync(dir.Combine("worker.log"))).Select(l => ProgressLine().Match(l)).Where(m => m.Success).ToList();
        var running = lines.Where(m => m.Groups["state"].Value == "running").ToList();
        Assert.True(running.Count >= 3, $"{running.Count} progress lines while running");
        Assert.All(running, m => Assert.Equal("8", m.Groups["partitions"].Value));
        Assert.All(running, m => Assert.Equal("2000", m.Groups["rows"].Value));
        // Partitions and rows only go up.
        var done = running.Select(m => int.Parse(m.Groups["done"].Value)).ToList();
        Assert.Equal(done.Order(), done);
        var rowsDone = running.Select(m => long.Parse(m.Groups["rowsDone"].Value)).ToList();
        Assert.Equal(rowsDone.Order(), rowsDone);

        var final = Assert.Single(lines, m => m.Groups["state"].Value == "done");
        Assert.Equal("8", final.Groups["done"].Value);
        Assert.Equal("2000", final.Groups["rowsDone"].Value);
        Assert.Equal("0", final.Groups["bad"].Value);
        Assert.Contains("2000 rows in, 2000 rows out, 0 bad rows", output.ToString());

        // The stage table names the slow step as the bottleneck.
        Assert.Matches(@"(?m)^\s+SleepsForStatsTests \*\s", output.ToString());
        Assert.Contains("* Bottleneck: SleepsForStatsTests", output.ToString());
    }

    [Fact]
    public async Task A_progress_interval_out_of_range_fails_the_run_naming_the_setting()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 100, 100, seed: 4);
        var settings = Settings(dir, "badinterval", interval: "00:00:00");
        settings["MlNetBatch:Progress:Intervall"] = "00:00:05";
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "run", "badinterval");

        Assert.Equal(WorkerCommandLine.Failed, exit);
        Assert.Contains("MlNetBatch:Progress:Interval: 00:00:00 is out of range", output.ToString());
        Assert.Contains("MlNetBatch:Progress:Intervall: unknown setting", output.ToString());
        Assert.False(Directory.Exists(dir.Combine("out")));
    }

    private static Dictionary<string, string?> Settings(TempDirectory dir, string job, string interval)
    {
        StatsJobs.RegisterSlowStep();
        var settings = JobConfiguration.TabularJob(job, dir.Combine("in.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));
        var prefix = $"MlNetBatch:Jobs:{job}:";
        settings[prefix + "Source:ChunkRows"] = "50";
        // The slow step first, the Concatenate that feeds the model after it.
        foreach (var key in settings.Keys.Where(k => k.StartsWith(prefix + "Preprocess:0:", StringComparison.Ordinal)).ToList())
        {
            settings[key.Replace("Preprocess:0:", "Preprocess:1:", StringComparison.Ordinal)] = settings[key];
            settings.Remove(key);
        }

        settings[prefix + "Preprocess:0:Transform"] = StatsJobs.SlowStep;
        settings[prefix + "Execution:Parallelism"] = "1";
        settings["MlNetBatch:Progress:Interval"] = interval;
        settings["Serilog:MinimumLevel:Override:MlNetBatch.Worker.Progress"] = "Information";
        settings["Serilog:WriteTo:0:Name"] = "File";
        settings["Serilog:WriteTo:0:Args:path"] = dir.Combine("worker.log");
        return settings;
    }

    private static Task<int> Invoke(Dictionary<string, string?> settings, StringWriter output, params string[] args) =>
        WorkerCommandLine.Create(JobConfiguration.With(settings), output).Parse(args).InvokeAsync();

    [GeneratedRegex(@"Job ""?progress""? progress \((?<state>\w+)\): (?<done>\d+)/(?<partitions>\d+) partitions, (?<rowsDone>\d+)/(?<rows>[\d?]+) rows, \d+ rows/s, ETA (?:[\d:]+|unknown), (?<bad>\d+) bad rows")]
    private static partial Regex ProgressLine();
}
