using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.MlNet;

public class MlNetModelJobTests
{
    private const int Rows = 600;

    [Fact]
    public async Task A_saved_MlNet_model_scored_through_a_job_equals_its_own_Transform_row_by_row()
    {
        using var dir = new TempDirectory();
        var features = await WriteInputAsync(dir);
        var (model, path) = TrainAndSave(dir, features);
        var job = Job(dir, path);

        var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("prices", job);

        Assert.Equal(Rows, summary.RowsOut);
        Assert.True(summary.Partitions > 1, "the rows are scored over several partitions");
        var output = new MLContext().Data.LoadFromParquet(dir.Combine("out"));
        var scored = DataViewReader.Columns<long, float>(output, "id", "Score");
        // The reference: the model's own Transform over the same feature vectors, built without MlNetBatch.
        var ml = new MLContext();
        var reference = model.Transform(ml.Data.LoadFromEnumerable(features.Select((f, i) => new Example { Features = f, Label = 0 })));
        var expected = DataViewReader.Column<float>(reference, "Score");
        Assert.Equal(Rows, scored.Count);
        Assert.Equal(Enumerable.Range(0, Rows).Select(i => (long)i), scored.Select(s => s.Item1).Order());
        foreach (var (id, score) in scored)
        {
            Assert.Equal(expected[(int)id], score);
        }

        // The model normalizes Features in place; the job still passes the input's own Features through.
        var ids = DataViewReader.Column<long>(output, "id");
        var passedThrough = DataViewReader.Vectors(output, "Features");
        Assert.All(Enumerable.Range(0, Rows), r => Assert.Equal(features[(int)ids[r]], passedThrough[r]));
    }

    [Fact]
    public async Task An_input_column_the_MlNet_model_lacks_or_types_differently_fails_with_one_line_naming_job_and_column()
    {
        using var dir = new TempDirectory();
        var features = await WriteInputAsync(dir);
        var (_, path) = TrainAndSave(dir, features);
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));

        var missing = Job(dir, path);
        missing.Preprocess[0].OutputColumn = "other";
        var missingError = await Assert.ThrowsAsync<JobFailedException>(() => runner.PlanAsync("prices", missing));

        var narrow = Job(dir, path);
        narrow.Preprocess[0].InputColumns = TabularData.FeatureColumns.Take(8).ToList();
        var typeError = await Assert.ThrowsAsync<JobFailedException>(() => runner.RunAsync("prices", narrow));

        Assert.StartsWith("Job 'prices': ML.NET model 'prices.zip' needs input column 'Features' (float[16]), which the data does not have (it has id, f00,", missingError.Message);
        Assert.Equal("Job 'prices': ML.NET model 'prices.zip' needs input column 'Features' as float[16], but the data's 'Features' is float[8].", typeError.Message);
        Assert.DoesNotContain('\n', missingError.Message + typeError.Message);
    }

    [Fact]
    public async Task Plan_shows_an_MlNet_models_saved_columns_and_the_outputs_it_writes()
    {
        using var dir = new TempDirectory();
        var features = await WriteInputAsync(dir);
        var (_, path) = TrainAndSave(dir, features);
        var job = Job(dir, path);
        job.Model.OutputColumns["Score"] = "price";
        job.Sink.Columns = ["id", "price"];

        var plan = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).PlanAsync("prices", job);

        Assert.Equal(ModelKind.MlNet, plan.ModelKind);
        Assert.Empty(plan.ModelInputs);
        Assert.Equal(["Features float[16] <- column 'Features'", "Label float <- not in the data (a training column the model may not read)"],
            plan.ModelInputColumns.Select(c => $"{c.Name} {c.Type} <- {c.Binding}"));
        Assert.Equal(["Score float -> column 'price'"], plan.ModelOutputColumns.Select(c => $"{c.Name} {c.Type} -> {c.Binding}"));
    }

    internal static JobDefinition Job(TempDirectory dir, string model) => new()
    {
        Source = new SourceDefinition { Path = dir.Combine("in", "*.parquet"), RowGroupsPerPartition = 1 },
        Preprocess = [new PreprocessStep { Transform = "Concatenate", OutputColumn = "Features", InputColumns = TabularData.FeatureColumns.ToList() }],
        Model = new ModelDefinition { Kind = ModelKind.MlNet, ModelPath = model },
        Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["id", "Features", "Score"] },
        Execution = new ExecutionOptions { Parallelism = 2 },
    };

    /// <summary>Two Parquet files of the tabular sample; returns each id's 16 features.</summary>
    internal static async Task<float[][]> WriteInputAsync(TempDirectory dir)
    {
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 400, 100, seed: 3);
        await TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 400, Rows - 400, 100, seed: 4);
        var input = new MLContext().Data.LoadFromParquet(dir.Combine("in", "*.parquet"));
        var ids = DataViewReader.Column<long>(input, "id");
        var columns = TabularData.FeatureColumns.Select(c => DataViewReader.Column<float>(input, c)).ToList();
        var features = new float[Rows][];
        for (var r = 0; r < ids.Count; r++)
        {
            features[ids[r]] = columns.Select(c => c[r]).ToArray();
        }

        return features;
    }

    /// <summary>A min-max normalizer (replacing Features) and an SDCA regression on a linear target, saved as a .zip.</summary>
    internal static (ITransformer Model, string Path) TrainAndSave(TempDirectory dir, float[][] features)
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(5);
        var examples = features.Select(f => new Example
        {
            Features = f,
            Label = f.Select((v, i) => v * (i - 7.5f)).Sum() + (float)random.NextDouble(),
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(examples);
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: "Label", featureColumnName: "Features", maximumNumberOfIterations: 20))
            .Fit(data);
        var path = dir.Combine("prices.zip");
        ml.Model.Save(model, data.Schema, path);
        return (model, path);
    }

    private sealed class Example
    {
        [VectorType(16)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
