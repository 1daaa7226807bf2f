using Microsoft.Extensions.Configuration;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Scoring.Functions;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Models;

public class ModelDefinitionTests
{
    [Fact]
    public void Kind_binds_from_configuration_ignoring_case_and_a_section_without_one_is_Onnx()
    {
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MlNetBatch:Jobs:onnx:Model:ModelPath"] = "model.onnx",
            ["MlNetBatch:Jobs:zip:Model:Kind"] = "mlnet",
            ["MlNetBatch:Jobs:zip:Model:ModelPath"] = "model.zip",
            ["MlNetBatch:Jobs:ocr:Model:Kind"] = "Function",
            ["MlNetBatch:Jobs:ocr:Model:Name"] = "tesseract",
            ["MlNetBatch:Jobs:ocr:Model:BatchSize"] = "4",
        }).Build().GetSection("MlNetBatch").Get<MlNetBatchOptions>()!;

        Assert.Equal(ModelKind.Onnx, options.Jobs["onnx"].Model.Kind);
        Assert.Equal((ModelKind.MlNet, "model.zip"), (options.Jobs["zip"].Model.Kind, options.Jobs["zip"].Model.ModelPath));
        Assert.Equal((ModelKind.Function, "tesseract", 4), (options.Jobs["ocr"].Model.Kind, options.Jobs["ocr"].Model.Name, options.Jobs["ocr"].Model.BatchSize));
    }

    [Fact]
    public void Each_kind_is_checked_for_what_it_needs_and_what_it_cannot_use_every_problem_with_its_path()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("model.zip"), "not checked here");
        var options = new MlNetBatchOptions();
        options.Jobs["fn"] = Job(new ModelDefinition { Kind = ModelKind.Function, ModelPath = "model.onnx" });
        options.Jobs["zip"] = Job(new ModelDefinition
        {
            Kind = ModelKind.MlNet, ModelPath = dir.Combine("model.zip"), Device = OnnxDevice.Cuda, BatchSize = 64,
            InputColumns = { ["Features"] = "x" }, ConcatenatedInputs = { ["Features"] = ["a", "b"] },
        });
        options.Jobs["onnx"] = Job(new ModelDefinition { ModelPath = RepositoryPaths.SampleModel, Name = "tesseract" });
        options.Jobs["missing"] = Job(new ModelDefinition { Kind = ModelKind.MlNet, ModelPath = dir.Combine("none.zip") });

        var failures = new JobDefinitionValidator(new JobPaths(dir.Path)).Validate(null, options).Failures!.ToList();

        Assert.Equal(
        [
            "MlNetBatch:Jobs:fn:Model:Name: is required for Kind Function (the name given to services.AddBatchModel<T>(name)).",
            "MlNetBatch:Jobs:fn:Model:ModelPath: is not used by Kind Function; remove it (the registered batch model loads what it needs).",
            "MlNetBatch:Jobs:zip:Model:ConcatenatedInputs:Features: model input 'Features' is also listed in InputColumns; use one.",
            "MlNetBatch:Jobs:zip:Model:ConcatenatedInputs: is only used by Kind Onnx; for MlNet, add a Concatenate step to Preprocess.",
            "MlNetBatch:Jobs:zip:Model:InputColumns: is not used by Kind MlNet (the saved model reads its columns by name); rename columns with a CopyColumns step in Preprocess.",
            "MlNetBatch:Jobs:zip:Model:Device, GpuDeviceId, GpuConcurrentRuns, TensorRt, TensorRtCachePath, IntraOpThreads, PrefetchBatches and LengthBucketBatches are only used by Kind Onnx; remove them for MlNet.",
            "MlNetBatch:Jobs:zip:Model:BatchSize: is not used by Kind MlNet (ML.NET transforms row by row); remove it.",
            "MlNetBatch:Jobs:onnx:Model:Name: is only used by Kind Function (this model is Onnx); remove it.",
            $"MlNetBatch:Jobs:missing:Model:ModelPath: model file '{dir.Combine("none.zip")}' does not exist.",
        ], failures);
    }

    [Fact]
    public async Task A_host_refuses_to_start_with_a_function_name_no_batch_model_is_registered_under()
    {
        using var dir = new TempDirectory();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MlNetBatch:Jobs:ocr:Source:Path"] = dir.Combine("*.parquet"),
            ["MlNetBatch:Jobs:ocr:Model:Kind"] = "Function",
            ["MlNetBatch:Jobs:ocr:Model:Name"] = "tesseract",
            ["MlNetBatch:Jobs:ocr:Sink:Path"] = dir.Combine("out"),
        });
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection("MlNetBatch"));
        builder.Services.AddBatchModel<MlNetBatch.Tests.Scoring.Functions.SumModel>("sum");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(["MlNetBatch:Jobs:ocr:Model:Name: no batch model is registered as 'tesseract' (registered: sum)."], error.Failures);
    }

    [Theory]
    [InlineData(ModelKind.Onnx)]
    [InlineData(ModelKind.MlNet)]
    [InlineData(ModelKind.Function)]
    public void A_minimal_model_section_of_each_kind_is_valid(ModelKind kind)
    {
        var model = kind == ModelKind.Function ? new ModelDefinition { Kind = kind, Name = "tesseract" } : new ModelDefinition { Kind = kind, ModelPath = "m" };

        Assert.Empty(ModelDefinitionValidator.Problems(model));
    }

    [Fact]
    public void Settings_hashes_of_onnx_jobs_are_unchanged_by_kinds_and_every_kind_and_function_name_hashes_apart()
    {
        var hashes = new[]
        {
            new ModelDefinition { ModelPath = "model.onnx" },
            new ModelDefinition { Kind = ModelKind.Onnx, ModelPath = "elsewhere/model.onnx" },
            new ModelDefinition { Kind = ModelKind.MlNet, ModelPath = "model.zip" },
            new ModelDefinition { Kind = ModelKind.Function, Name = "tesseract" },
            new ModelDefinition { Kind = ModelKind.Function, Name = "other" },
        }.Select(model =>
        {
            model.InputColumns["input"] = "features";
            model.OutputColumns["probabilities"] = "scores";
            var job = new JobDefinition { Model = model };
            job.Source.Path = "in/*.parquet";
            job.Source.RowGroupsPerPartition = 1;
            job.Sink.Path = "out";
            job.Sink.Format = MlNetBatch.Data.DataFormatKind.Parquet;
            job.Sink.Columns = ["id", "scores"];
            return JobFingerprint.Settings(job, []);
        }).ToList();

        // The hash JobFingerprintTests pins for the same job, from before models had kinds: committed output stays valid.
        Assert.Equal("be3bd2cb9dde694dbb879d3b7db7ba17d0e9ae1330d923e735e4967544f00919", hashes[0]);
        Assert.Equal(hashes[0], hashes[1]);
        Assert.Equal(4, hashes.Distinct().Count());
    }

    private static JobDefinition Job(ModelDefinition model) => new()
    {
        Source = new SourceDefinition { Path = "in/*.parquet", Format = MlNetBatch.Data.DataFormatKind.Parquet, RowGroupsPerPartition = 1 },
        Model = model,
        Sink = new SinkDefinition { Path = "out", Columns = ["id", "text"] },
    };

    [Fact]
    public void Length_buckets_are_refused_for_a_model_that_is_not_onnx()
    {
        var problems = ModelDefinitionValidator.Problems(new ModelDefinition { Kind = ModelKind.Function, Name = "tesseract", LengthBucketBatches = 1 }).ToList();

        Assert.Contains(problems, p => p.Contains("LengthBucketBatches are only used by Kind Onnx; remove them for Function.", StringComparison.Ordinal));
    }
}
