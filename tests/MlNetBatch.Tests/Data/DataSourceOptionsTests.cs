using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

public class DataSourceOptionsTests
{
    private const string Expected =
        "Columns:x: 'floaty' is not a column type; use float, double, int, long, bool, string, a fixed-size vector such as float[16], or bytes (byte[]: raw bytes of any length, such as an encoded image). "
        + "PartitionBytes: must be at least 1024 (got 10). ChunkRows: must be greater than zero (got 0). "
        + "InferenceSampleRows: must be greater than zero (got -3).";

    [Fact]
    public void Default_options_are_valid()
    {
        Assert.Empty(DataSourceOptionsValidator.Problems(new DataSourceOptions()));
    }

    [Fact]
    public async Task LoadFrom_in_code_reports_every_problem_before_listing_files()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("a.csv"), "x\n1\n");

        var error = Assert.Throws<ArgumentException>(() => new MLContext().Data.LoadFromCsv(dir.Combine("a.csv"), Invalid()));

        Assert.StartsWith("Invalid source options: " + Expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_bound_from_configuration_fail_at_start_with_the_same_problems()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Source:Columns:x"] = "floaty",
            ["Source:PartitionBytes"] = "10",
            ["Source:ChunkRows"] = "0",
            ["Source:InferenceSampleRows"] = "-3",
        });
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection("MlNetBatch"));
        builder.Services.AddOptions<DataSourceOptions>().Bind(builder.Configuration.GetSection("Source")).ValidateOnStart();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(Expected, string.Join(" ", error.Failures));
    }

    [Fact]
    public void A_jobs_source_section_is_checked_by_the_same_rules_under_its_path()
    {
        var options = new MlNetBatchOptions();
        var source = new SourceDefinition { Path = "data.csv", Columns = new() { ["x"] = "floaty" }, PartitionBytes = 10, ChunkRows = 0, InferenceSampleRows = -3 };
        options.Jobs["nightly"] = new JobDefinition { Source = source, Model = { ModelPath = RepositoryPaths.SampleModel }, Sink = { Path = "out" } };

        var result = new JobDefinitionValidator(new JobPaths(Directory.GetCurrentDirectory())).Validate(null, options);

        Assert.Equal(DataSourceOptionsValidator.Problems(Invalid()).Select(p => "MlNetBatch:Jobs:nightly:Source:" + p), result.Failures!);
    }

    [Fact]
    public void A_clone_has_its_own_columns()
    {
        var options = new DataSourceOptions { Columns = new(StringComparer.OrdinalIgnoreCase) { ["id"] = "long" } };

        var clone = options.Clone();
        clone.Columns!["x"] = "float";
        clone.Columns["id"] = "int";

        Assert.Equal(new Dictionary<string, string> { ["id"] = "long" }, options.Columns);
        Assert.Same(StringComparer.OrdinalIgnoreCase, clone.Columns.Comparer);
    }

    private static DataSourceOptions Invalid() => new()
    {
        Columns = new() { ["x"] = "floaty" },
        PartitionBytes = 10,
        ChunkRows = 0,
        InferenceSampleRows = -3,
    };
}
