using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using static MlNetBatch.Tests.Worker.WorkerConfigFiles;
using JobSet = System.Collections.Generic.Dictionary<string, System.Text.Json.Nodes.JsonObject>;

namespace MlNetBatch.Tests.Worker;

/// <summary>Failures a user can cause: the real worker prints one line naming the job, the path and the cause, and exits 1.</summary>
public class FailureMessageTests
{
    [Fact]
    public async Task A_sink_path_that_is_a_regular_file_is_one_line_naming_the_job_and_the_file()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 100, 100, seed: 1);
        await File.WriteAllTextAsync(dir.Combine("taken"), "a file, not a directory");
        var config = await WriteAsync(dir, "jobs", new JobSet { ["filesink"] = Job(dir.Combine("in.parquet"), dir.Combine("taken")) });

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "filesink", "--config", config);

        AssertOneErrorLine(exit, output, "MlNetBatch:Jobs:filesink:Sink:Path", dir.Combine("taken"), "is a file");
    }

    [Theory]
    [InlineData("/proc/mlnetbatch-out")]
    [InlineData("/sys/mlnetbatch-out")]
    public async Task A_sink_under_proc_or_sys_is_one_line_naming_the_job_and_the_path(string sink)
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 100, 100, seed: 1);
        var config = await WriteAsync(dir, "jobs", new JobSet { ["virtual"] = Job(dir.Combine("in.parquet"), sink) });

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "virtual", "--config", config);

        AssertOneErrorLine(exit, output, "Job 'virtual'", sink);
    }

    [Fact]
    public async Task A_malformed_appsettings_json_is_one_line_naming_the_file_and_the_position()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("appsettings.json"), """{ "MlNetBatch": { "Jobs": { """);

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "list");

        AssertOneErrorLine(exit, output, dir.Combine("appsettings.json"), "LineNumber");
    }

    [Theory]
    [InlineData("run", "j")]
    [InlineData("validate")]
    [InlineData("plan", "j")]
    [InlineData("list")]
    [InlineData]
    public async Task A_malformed_config_file_is_one_line_naming_the_file_for_every_command(params string[] command)
    {
        using var dir = new TempDirectory();
        var config = dir.Combine("broken.json");
        await File.WriteAllTextAsync(config, """{ "MlNetBatch": { "Jobs": { "j": { "Schedule": "0 0 2 * * ?", } } """);

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, [.. command, "--config", config]);

        AssertOneErrorLine(exit, output, config, "could not be read");
    }

    [Fact]
    public async Task A_plan_whose_source_cannot_be_listed_is_one_line_naming_the_job_and_the_path()
    {
        // Even root may not list another process's map_files without CAP_SYS_ADMIN; where it may, the pattern matches
        // nothing, which is reported the same way.
        using var dir = new TempDirectory();
        var config = await WriteAsync(dir, "jobs", new JobSet { ["denied"] = Job("/proc/1/map_files/*.parquet", dir.Combine("out")) });

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "plan", "denied", "--config", config);

        AssertOneErrorLine(exit, output, "Job 'denied'", "/proc/1/map_files");
    }

    [Fact]
    public async Task A_schedule_that_never_fires_stops_the_service_with_one_line_instead_of_a_Quartz_stack_trace()
    {
        using var dir = new TempDirectory();
        var job = Job(dir.Combine("in.parquet"), dir.Combine("out"));
        job["Schedule"] = "0 0 0 30 2 ?";
        var config = await WriteAsync(dir, "jobs", new JobSet { ["february"] = job });

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "--config", config);

        AssertOneErrorLine(exit, output, "MlNetBatch:Jobs:february:Schedule", "never fires");
    }
}
