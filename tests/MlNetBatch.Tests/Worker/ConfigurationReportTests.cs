using System.Text.Json.Nodes;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using static MlNetBatch.Tests.Worker.WorkerConfigFiles;
using JobSet = System.Collections.Generic.Dictionary<string, System.Text.Json.Nodes.JsonObject>;

namespace MlNetBatch.Tests.Worker;

/// <summary>What the real worker reports about a configuration: every problem at once, each with its path.</summary>
public class ConfigurationReportTests
{
    [Fact]
    public async Task Every_misspelt_key_and_every_bad_enum_value_is_reported_with_its_path()
    {
        using var dir = new TempDirectory();
        var job = Job(dir.Combine("in.parquet"), dir.Combine("out"));
        job["Shedule"] = "0 0 2 * * ?";
        job["Model"]!["Devise"] = "Cpu";
        job["Model"]!["Device"] = "Gpu";
        job["Sink"]!["Format"] = "Parket";
        var config = await WriteAsync(dir, "jobs", new JobSet { ["typos"] = job });

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "validate", "--config", config);

        Assert.True(exit == 1, output);
        Assert.Contains("MlNetBatch:Jobs:typos:Shedule: unknown setting 'Shedule'; did you mean 'Schedule'?", output);
        Assert.Contains("MlNetBatch:Jobs:typos:Model:Devise: unknown setting 'Devise'; did you mean 'Device'?", output);
        Assert.Contains("MlNetBatch:Jobs:typos:Model:Device: 'Gpu' is not one of Auto, Cpu, Cuda.", output);
        Assert.Contains("MlNetBatch:Jobs:typos:Sink:Format: no format named 'Parket' can be written; the formats that can are Parquet, Csv, JsonLines.", output);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("ErrorOnUnknownConfiguration", output);
    }

    [Fact]
    public async Task Misspelt_storage_settings_are_reported_with_the_jobs_problems()
    {
        using var dir = new TempDirectory();
        var job = Job(dir.Combine("in.parquet"), dir.Combine("out"));
        job["Execution"] = new JsonObject { ["RetryDelay"] = "soon" };
        var storage = new JsonObject { ["S3"] = new JsonObject { ["Regoin"] = "eu-west-1", ["ForcePathStyle"] = "maybe" }, ["Azur"] = new JsonObject() };
        var config = await WriteAsync(dir, "jobs", new JobSet { ["both"] = job }, storage);

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "list", "--config", config);

        Assert.True(exit == 1, output);
        Assert.Contains("MlNetBatch:Jobs:both:Execution:RetryDelay: 'soon' is not a time span", output);
        Assert.Contains("MlNetBatch:Storage:S3:Regoin: unknown setting 'Regoin'; did you mean 'Region'?", output);
        Assert.Contains("MlNetBatch:Storage:S3:ForcePathStyle: 'maybe' is not true or false.", output);
        Assert.Contains("MlNetBatch:Storage:Azur: unknown setting 'Azur'; did you mean 'Azure'?", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Validate_refuses_a_source_whose_scheme_no_provider_handles()
    {
        using var dir = new TempDirectory();
        var config = await WriteAsync(dir, "jobs", new JobSet { ["foo"] = Job("foo://bucket/data/*.parquet", dir.Combine("out")) });

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "validate", "--config", config);

        AssertOneErrorLine(exit, output,
            "MlNetBatch:Jobs:foo:Source:Path: 'foo://bucket/data/*.parquet': no storage provider handles the 'foo://' scheme; available: local paths, http://, https://.");
    }

    [Fact]
    public async Task Validate_refuses_a_sink_on_a_read_only_https_location()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 100, 100, seed: 1);
        var config = await WriteAsync(dir, "jobs", new JobSet { ["web"] = Job(dir.Combine("in.parquet"), "https://example.invalid/scores") });

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "validate", "--config", config);

        AssertOneErrorLine(exit, output, "MlNetBatch:Jobs:web:Sink:Path: 'https://example.invalid/scores': https:// locations are read-only here");
    }

    [Fact]
    public async Task Validate_and_run_refuse_an_s3_sink_when_no_S3_storage_is_configured()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 100, 100, seed: 1);
        var config = await WriteAsync(dir, "jobs", new JobSet { ["tos3"] = Job(dir.Combine("in.parquet"), "s3://bucket/scores") });

        var (validated, validateOutput) = await WorkerProcess.RunAsync(dir.Path, null, "validate", "--config", config);
        var (ran, runOutput) = await WorkerProcess.RunAsync(dir.Path, null, "run", "tos3", "--config", config);

        foreach (var (exit, output) in new[] { (validated, validateOutput), (ran, runOutput) })
        {
            AssertOneErrorLine(exit, output,
                "MlNetBatch:Jobs:tos3:Sink:Path: 's3://bucket/scores': no storage provider handles the 's3://' scheme",
                "available: local paths, http://, https://.",
                "MlNetBatch:Storage:S3");
        }
    }

    [Fact]
    public async Task An_s3_sink_passes_the_scheme_check_once_the_S3_section_exists()
    {
        using var dir = new TempDirectory();
        var storage = new JsonObject { ["S3"] = new JsonObject { ["Region"] = "eu-west-1" } };
        var config = await WriteAsync(dir, "jobs", new JobSet { ["tos3"] = Job(dir.Combine("in.parquet"), "s3://bucket/scores") }, storage);

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "validate", "--config", config);

        Assert.True(exit == 0, output);
        Assert.Contains("tos3: ok", output);
    }
}
