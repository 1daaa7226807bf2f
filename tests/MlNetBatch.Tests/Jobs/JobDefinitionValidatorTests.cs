using MlNetBatch.Storage.S3;
using MlNetBatch.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Scoring.Functions;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Scheduling;

namespace MlNetBatch.Tests.Jobs;

public class JobDefinitionValidatorTests
{
    [Fact]
    public async Task StartAsync_with_invalid_jobs_reports_every_problem_with_its_configuration_path()
    {
        var settings = new Dictionary<string, string?>
        {
            ["MlNetBatch:Jobs:nightly:Source:Path"] = "data/*.parquet",
            ["MlNetBatch:Jobs:nightly:Source:Columns:x"] = "floaty",
            ["MlNetBatch:Jobs:nightly:Model:ModelPath"] = "/no/such/model.onnx",
            ["MlNetBatch:Jobs:nightly:Model:BatchSize"] = "-1",
            ["MlNetBatch:Jobs:nightly:Schedule"] = "0 0 25 * * ?",
            ["MlNetBatch:Jobs:nightly:Preprocess:0:Transform"] = "Frobnicate",
            ["MlNetBatch:Jobs:other:Model:ModelPath"] = RepositoryPaths.SampleModel,
            ["MlNetBatch:Jobs:other:Execution:Parallelism"] = "0",
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection("MlNetBatch"));
        builder.Services.AddSingleton<IValidateOptions<MlNetBatchOptions>, CronScheduleValidator>();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failures = error.Failures.ToList();
        Assert.Contains("MlNetBatch:Jobs:nightly:Schedule: '0 0 25 * * ?' is not a valid cron expression", string.Join("\n", failures));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:nightly:Source:Columns:x: 'floaty'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:nightly:Model:ModelPath:", StringComparison.Ordinal) && f.Contains("/no/such/model.onnx"));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:nightly:Model:BatchSize:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:nightly:Sink:Path:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:nightly:Preprocess:0: unknown transform 'Frobnicate'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:other:Source:Path:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:other:Execution:Parallelism:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:other:Sink:Path:", StringComparison.Ordinal));
        Assert.Equal(9, failures.Count);
    }

    [Fact]
    public void Sources_and_sinks_whose_scheme_no_provider_handles_are_reported_with_the_schemes_available()
    {
        var settings = Job("remote", RepositoryPaths.SampleModel, "s3://bucket/scores");
        settings["MlNetBatch:Jobs:remote:Source:Paths:0"] = "data/a.parquet";
        settings["MlNetBatch:Jobs:remote:Source:Paths:1"] = "foo://bucket/b.parquet";
        using var host = Build(settings);

        var failures = Failures(host);

        Assert.Equal(
            [
                "MlNetBatch:Jobs:remote:Source:Paths:1: 'foo://bucket/b.parquet': no storage provider handles the 'foo://' scheme; available: local paths.",
                "MlNetBatch:Jobs:remote:Sink:Path: 's3://bucket/scores': no storage provider handles the 's3://' scheme; available: local paths. s3:// is available once MlNetBatch:Storage:S3 is configured.",
            ],
            failures);
    }

    [Fact]
    public void A_schedule_that_never_fires_and_a_sink_that_is_a_file_are_reported()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("taken"), "");
        var settings = Job("odd", RepositoryPaths.SampleModel, dir.Combine("taken", "out"));
        settings["MlNetBatch:Jobs:odd:Source:Path"] = "data/*.parquet";
        settings["MlNetBatch:Jobs:odd:Schedule"] = "0 0 0 30 2 ?";
        using var host = Build(settings);

        var failures = Failures(host);

        Assert.Equal(2, failures.Count);
        Assert.Contains($"MlNetBatch:Jobs:odd:Sink:Path: '{dir.Combine("taken", "out")}' cannot be created because '{dir.Combine("taken")}' is a file.", failures);
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:odd:Schedule: '0 0 0 30 2 ?' is not a valid cron expression (it never fires", StringComparison.Ordinal));
    }

    [Fact]
    public void A_storage_provider_with_invalid_settings_is_reported_with_the_jobs_problems()
    {
        var settings = Job("bad", "/no/such/model.onnx", "out");
        settings["MlNetBatch:Storage:S3:ServiceUrl"] = "not a url";
        using var host = Build(settings, builder => builder.Services.AddObjectStore(S3ObjectStore.Provider, builder.Configuration.GetSection("MlNetBatch:Storage:S3")));

        var failures = Failures(host);

        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Storage:S3:ServiceUrl: 'not a url'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:bad:Model:ModelPath:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:bad:Source:Path:", StringComparison.Ordinal));
    }

    [Fact]
    public void Parquet_sink_settings_are_bound_and_checked_with_their_paths()
    {
        var settings = Job("zstd", RepositoryPaths.SampleModel, "out");
        settings["MlNetBatch:Jobs:zstd:Sink:Parquet:Compression"] = "zstd";
        settings["MlNetBatch:Jobs:zstd:Sink:Parquet:CompressionLevel"] = "30";
        settings["MlNetBatch:Jobs:zstd:Sink:Parquet:RowGroupRows"] = "0";
        settings["MlNetBatch:Jobs:csv:Model:ModelPath"] = RepositoryPaths.SampleModel;
        settings["MlNetBatch:Jobs:csv:Sink:Path"] = "out-csv";
        settings["MlNetBatch:Jobs:csv:Sink:Format"] = "Csv";
        settings["MlNetBatch:Jobs:csv:Sink:Parquet:RowGroupBytes"] = "1000000";
        settings["MlNetBatch:Jobs:lzo:Model:ModelPath"] = RepositoryPaths.SampleModel;
        settings["MlNetBatch:Jobs:lzo:Sink:Path"] = "out-lzo";
        settings["MlNetBatch:Jobs:lzo:Sink:Parquet:Compression"] = "lzo";
        using var host = Build(settings);

        var failures = Failures(host);

        Assert.Contains("MlNetBatch:Jobs:zstd:Sink:Parquet:CompressionLevel: Zstd takes levels 1–22 (got 30).", failures);
        Assert.Contains("MlNetBatch:Jobs:zstd:Sink:Parquet:RowGroupRows: must be greater than zero (got 0).", failures);
        Assert.Contains(
            "MlNetBatch:Jobs:csv:Sink:Parquet: applies only to Parquet output, and the sink writes Csv; remove the section or set Sink:Format to Parquet.", failures);
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:lzo:Sink:Parquet:Compression: 'lzo' is not one of Uncompressed, Snappy, Zstd", StringComparison.Ordinal));
    }

    [Fact]
    public void Parquet_sink_settings_bind_from_configuration_case_insensitively()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sink:Path"] = "out",
            ["Sink:Parquet:Compression"] = "zstd",
            ["Sink:Parquet:CompressionLevel"] = "9",
            ["Sink:Parquet:RowGroupBytes"] = "67108864",
        }).Build();

        var sink = configuration.GetSection("Sink").Get<SinkDefinition>()!;

        Assert.Empty(StrictConfiguration.Check(configuration.GetSection("Sink"), typeof(SinkDefinition)));
        Assert.Equal(MlNetBatch.Sinks.ParquetCompression.Zstd, sink.Parquet.Compression);
        Assert.Equal(9, sink.Parquet.CompressionLevel);
        Assert.Equal(64L << 20, sink.Parquet.RowGroupBytes);
        Assert.Equal(MlNetBatch.Sinks.ParquetSinkOptions.DefaultRowGroupRows, sink.Parquet.RowGroupRows);
    }

    [Fact]
    public async Task The_shipped_appsettings_json_is_valid()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = RepositoryPaths.Root });
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection("MlNetBatch"), RepositoryPaths.Root);
        // As the worker registers it: the shipped ocr job names it.
        builder.Services.AddBatchModel<MlNetBatch.Worker.Models.TesseractOcrModel>("tesseract");
        using var host = builder.Build();

        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<MlNetBatchOptions>>().Value;
        Assert.Equal(["ocr", "sample", "text-classification"], options.Jobs.Keys.Order(StringComparer.Ordinal));
        await host.StopAsync();
    }

    private static Dictionary<string, string?> Job(string name, string model, string sink) => new()
    {
        [$"MlNetBatch:Jobs:{name}:Model:ModelPath"] = model,
        [$"MlNetBatch:Jobs:{name}:Sink:Path"] = sink,
    };

    private static IHost Build(Dictionary<string, string?> settings, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection("MlNetBatch"));
        // The worker checks schedules with Quartz; its report is the one an operator sees.
        builder.Services.AddSingleton<IValidateOptions<MlNetBatchOptions>, CronScheduleValidator>();
        configure?.Invoke(builder);
        return builder.Build();
    }

    private static List<string> Failures(IHost host) =>
        Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<MlNetBatchOptions>>().Value).Failures.ToList();
}
