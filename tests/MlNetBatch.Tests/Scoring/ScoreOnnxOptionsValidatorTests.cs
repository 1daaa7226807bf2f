using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring;

public class ScoreOnnxOptionsValidatorTests
{
    private const string Expected =
        "BatchSize: must be 0 (automatic) or greater (got -1). PrefetchBatches: must be greater than zero (got 0). "
        + "ConcatenatedInputs:features: model input 'features' is also listed in InputColumns; use one. "
        + "ConcatenatedInputs:features: lists no columns.";

    [Fact]
    public void Default_options_are_valid()
    {
        Assert.Empty(ScoreOnnxOptionsValidator.Problems(new ScoreOnnxOptions()));
    }

    [Fact]
    public void ScoreOnnx_in_code_reports_every_problem()
    {
        var error = Assert.Throws<ArgumentException>(() => new MLContext().Transforms.ScoreOnnx(Invalid()));

        Assert.StartsWith("Invalid ScoreOnnx options: " + Expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_bound_from_configuration_fail_at_start_with_the_same_problems()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Scoring:BatchSize"] = "-1",
            ["Scoring:PrefetchBatches"] = "0",
            ["Scoring:InputColumns:features"] = "Input",
            ["Scoring:ConcatenatedInputs:features"] = string.Empty,
        });
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection("MlNetBatch"));
        builder.Services.AddOptions<ScoreOnnxOptions>().Bind(builder.Configuration.GetSection("Scoring")).ValidateOnStart();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(Expected, string.Join(" ", error.Failures));
    }

    [Fact]
    public void A_jobs_model_section_is_checked_by_the_same_rules_under_its_path()
    {
        var options = new MlNetBatchOptions();
        options.Jobs["nightly"] = new JobDefinition
        {
            Source = { Path = "data.parquet" },
            Model = Invalid(),
            Sink = { Path = "out" },
        };
        options.Jobs["nightly"].Model.ModelPath = RepositoryPaths.SampleModel;

        var result = new JobDefinitionValidator(new JobPaths(Directory.GetCurrentDirectory())).Validate(null, options);

        Assert.Equal(
            ScoreOnnxOptionsValidator.Problems(Invalid()).Select(p => "MlNetBatch:Jobs:nightly:Model:" + p),
            result.Failures!);
    }

    private static MlNetBatch.Jobs.Models.ModelDefinition Invalid() => new()
    {
        ModelPath = "model.onnx",
        BatchSize = -1,
        PrefetchBatches = 0,
        InputColumns = { ["features"] = "Input" },
        ConcatenatedInputs = { ["features"] = [] },
    };
}
