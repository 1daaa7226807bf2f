using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring;

public class ScoreOnnxTests
{
    private const int Rows = 2500;
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1024)]
    public void Rows_are_scored_in_batches_and_match_raw_onnx_runtime(int batchSize)
    {
        using var dir = new TempDirectory();
        var model = TestModels.Tabular(dir);
        var (data, features) = TabularRows(Rows);
        var expected = RawOnnx.RunTabular(model, features, Rows, out var expectedLabels);

        var scored = _ml.Transforms.ScoreOnnx(model, batchSize).Fit(data).Transform(data);

        AssertScores(scored, expected, expectedLabels);
        Assert.Equal(Enumerable.Range(0, Rows).Select(i => (long)i), DataViewReader.Column<long>(scored, "id"));
    }

    [Fact]
    public void A_model_with_a_fixed_batch_of_one_still_scores_every_row()
    {
        using var dir = new TempDirectory();
        var dynamicModel = TestModels.Tabular(dir);
        var fixedModel = TestModels.Tabular(dir, batch: 1);
        var (data, features) = TabularRows(37);
        var expected = RawOnnx.RunTabular(dynamicModel, features, 37, out var labels);

        var estimator = _ml.Transforms.ScoreOnnx(fixedModel, batchSize: 10);
        var transformer = estimator.Fit(data);

        Assert.Equal(1, transformer.Model.FixedBatchSize);
        AssertScores(transformer.Transform(data), expected, labels);
    }

    [Fact]
    public void Multiple_inputs_and_outputs_including_int64_are_bound_by_name()
    {
        using var dir = new TempDirectory();
        var model = TestModels.MultiInputOutput(dir);
        var rows = Enumerable.Range(0, 50).Select(i => new MultiRow
        {
            Dense = [i, 1, 2, 3],
            Ids = [i, i + 1, long.MaxValue / 4],
        }).ToList();
        var data = _ml.Data.LoadFromEnumerable(rows);
        var options = new ScoreOnnxOptions
        {
            ModelPath = model,
            BatchSize = 16,
            InputColumns = { ["dense"] = "Dense", ["ids"] = "Ids" },
            OutputColumns = { ["sum"] = "Total", ["doubled"] = "Doubled" },
        };

        var scored = _ml.Transforms.ScoreOnnx(options).Fit(data).Transform(data);

        // As ApplyOnnxModel types a [batch,3] output: the batch dimension kept as 1.
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int64, 1, 3), scored.Schema["Doubled"].Type);
        var totals = DataViewReader.Vectors(scored, "Total");
        var doubled = DataViewReader.Vectors<long>(scored, "Doubled");
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(i + 6f, totals[i][0], 5);
            Assert.Equal(new[] { 2L * i, 2L * (i + 1), long.MaxValue / 2 - 1 }, doubled[i]);
        }
    }

    [Fact]
    public void Saved_model_loads_in_stock_mlnet_and_batched_with_the_same_outputs()
    {
        using var dir = new TempDirectory();
        var model = TestModels.Tabular(dir);
        var (data, features) = TabularRows(300);
        var expected = RawOnnx.RunTabular(model, features, 300, out var labels);
        var transformer = _ml.Transforms.ScoreOnnx(model, 64).Fit(data);
        var path = dir.Combine("model.zip");

        _ml.Model.Save(transformer, data.Schema, path);

        var stock = new MLContext().Model.Load(path, out _);
        AssertScores(stock.Transform(data), expected, labels);
        var batched = new MLContext().Model.LoadBatched(path, out var schema);
        Assert.Contains(((TransformerChain<ITransformer>)batched).Flatten(), t => t is ScoreOnnxTransformer);
        AssertScores(batched.Transform(data), expected, labels);
        // Loaded pipelines keep stock ML.NET's column types, so code written against them keeps working.
        Assert.Equal(stock.GetOutputSchema(schema)["label"].Type, batched.GetOutputSchema(schema)["label"].Type);
        Assert.Equal(data.Schema["features"].Type, schema["features"].Type);
    }

    [Fact]
    public void Pipelines_with_stock_transforms_and_renamed_columns_survive_save_and_load()
    {
        using var dir = new TempDirectory();
        var model = TestModels.Tabular(dir);
        var (data, features) = TabularRows(100);
        var expected = RawOnnx.RunTabular(model, features, 100, out var labels);
        var pipeline = _ml.Transforms.CopyColumns("Input", "features")
            .Append(_ml.Transforms.ScoreOnnx(new ScoreOnnxOptions
            {
                ModelPath = model,
                InputColumns = { ["features"] = "Input" },
                OutputColumns = { ["probabilities"] = "Probability", ["label"] = "PredictedLabel" },
            }));
        var fitted = pipeline.Fit(data);
        var path = dir.Combine("pipeline.zip");

        _ml.Model.Save(fitted, data.Schema, path);

        var stock = new MLContext().Model.Load(path, out _).Transform(data);
        var batched = new MLContext().Model.LoadBatched(path, out _).Transform(data);
        foreach (var view in new[] { fitted.Transform(data), stock, batched })
        {
            var probabilities = DataViewReader.Vectors(view, "Probability");
            Assert.Equal(expected[0], probabilities[0][0], 5);
            Assert.Equal(expected[199], probabilities[99][1], 5);
            Assert.Equal(labels, DataViewReader.Vectors<long>(view, "PredictedLabel").Select(v => Assert.Single(v)));
        }
    }

    [Fact]
    public void Concatenated_inputs_pack_several_columns_into_one_tensor_and_save_as_a_stock_Concatenate()
    {
        using var dir = new TempDirectory();
        var model = TestModels.Tabular(dir);
        var (data, features) = TabularRows(64);
        var expected = RawOnnx.RunTabular(model, features, 64, out var labels);
        // Split the 16 features into a vector of 10, four scalars and a vector of 2.
        var split = _ml.Transforms.CustomMapping<TabularRow, SplitRow>((row, output) =>
        {
            output.head = row.features[..10];
            (output.a, output.b, output.c, output.d) = (row.features[10], row.features[11], row.features[12], row.features[13]);
            output.tail = row.features[14..];
        }, contractName: null).Fit(data).Transform(data);
        var splitData = _ml.Data.Cache(_ml.Transforms.DropColumns("features").Fit(split).Transform(split));
        var options = new ScoreOnnxOptions { ModelPath = model, BatchSize = 10, ConcatenatedInputs = { ["features"] = ["head", "a", "b", "c", "d", "tail"] } };

        var transformer = _ml.Transforms.ScoreOnnx(options).Fit(splitData);
        AssertScores(transformer.Transform(splitData), expected, labels);

        var path = dir.Combine("concat.zip");
        _ml.Model.Save(transformer, splitData.Schema, path);
        AssertScores(new MLContext().Model.Load(path, out _).Transform(splitData), expected, labels);
    }

    [Fact]
    public void Concatenated_inputs_of_the_wrong_total_size_name_every_column()
    {
        using var dir = new TempDirectory();
        var (data, _) = TabularRows(3);
        var model = TestModels.Tabular(dir);
        var tooMany = new ScoreOnnxOptions { ModelPath = model, ConcatenatedInputs = { ["features"] = ["features", "features"] } };
        var wrongType = new ScoreOnnxOptions { ModelPath = model, ConcatenatedInputs = { ["features"] = ["features", "id"] } };

        var sizeError = Assert.Throws<OnnxModelException>(() => _ml.Transforms.ScoreOnnx(tooMany).Fit(data));
        var typeError = Assert.Throws<OnnxModelException>(() => _ml.Transforms.ScoreOnnx(wrongType).Fit(data));

        Assert.Contains("'features' (float[16]) + 'features' (float[16]) give 32 values", sizeError.Message);
        Assert.Contains("column 'id' is long", typeError.Message);
    }

    [Fact]
    public void Stock_ApplyOnnxModel_and_ScoreOnnx_agree()
    {
        using var dir = new TempDirectory();
        var model = TestModels.Tabular(dir);
        var (data, _) = TabularRows(200);

        var stock = _ml.Transforms.ApplyOnnxModel(["probabilities", "label"], ["features"], model).Fit(data).Transform(data);
        var ours = _ml.Transforms.ScoreOnnx(model).Fit(data).Transform(data);

        var a = DataViewReader.Vectors(stock, "probabilities");
        var b = DataViewReader.Vectors(ours, "probabilities");
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i][0], b[i][0], 5);
            Assert.Equal(a[i][1], b[i][1], 5);
        }
    }

    [Fact]
    public void A_missing_input_column_is_a_clear_error_naming_model_input_and_columns()
    {
        using var dir = new TempDirectory();
        var model = TestModels.Tabular(dir);
        var data = _ml.Data.LoadFromEnumerable(new[] { new WrongRow { Other = new float[16] } });

        var error = Assert.Throws<OnnxModelException>(() => _ml.Transforms.ScoreOnnx(model).Fit(data));

        Assert.Contains("tabular-dynamic.onnx", error.Message);
        Assert.Contains("input 'features'", error.Message);
        Assert.Contains("Other", error.Message);
    }

    [Fact]
    public void A_column_of_the_wrong_size_is_a_clear_error_with_both_shapes()
    {
        using var dir = new TempDirectory();
        var model = TestModels.Tabular(dir);
        var data = _ml.Data.LoadFromEnumerable(new[] { new ShortRow { features = new float[8] } });

        var error = Assert.Throws<OnnxModelException>(() => _ml.Transforms.ScoreOnnx(model).Fit(data));

        Assert.Contains("float[16]", error.Message);
        Assert.Contains("float[8]", error.Message);
    }

    [Fact]
    public void A_missing_model_file_and_an_unknown_output_name_are_clear_errors()
    {
        var (data, _) = TabularRows(1);
        var missing = Assert.Throws<OnnxModelException>(() => _ml.Transforms.ScoreOnnx("/no/such/model.onnx").Fit(data));
        Assert.Contains("/no/such/model.onnx", missing.Message);

        using var dir = new TempDirectory();
        var options = new ScoreOnnxOptions { ModelPath = TestModels.Tabular(dir), OutputColumns = { ["scores"] = "x" } };
        var unknown = Assert.Throws<OnnxModelException>(() => _ml.Transforms.ScoreOnnx(options).Fit(data));
        Assert.Contains("no output named 'scores'", unknown.Message);
        Assert.Contains("probabilities", unknown.Message);
    }

    [Fact]
    public void Asking_for_cuda_without_it_fails_with_a_readable_reason_and_auto_falls_back_to_cpu()
    {
        using var dir = new TempDirectory();
        var model = TestModels.Tabular(dir);
        var (data, _) = TabularRows(5);

        var auto = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, Device = OnnxDevice.Auto }).Fit(data);
        if (auto.Model.Device == OnnxDevice.Cuda)
        {
            return; // A machine with CUDA: nothing to fall back from.
        }

        Assert.Equal(OnnxDevice.Cpu, auto.Model.Device);
        var error = Assert.Throws<OnnxModelException>(() =>
            _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, Device = OnnxDevice.Cuda }).Fit(data));
        Assert.Contains("CUDA device 0", error.Message);
    }

    [Fact]
    public void The_ApplyOnnxModel_shaped_overload_produces_only_the_listed_outputs_with_stock_types()
    {
        using var dir = new TempDirectory();
        var model = TestModels.Tabular(dir);
        var (data, features) = TabularRows(20);
        var expected = RawOnnx.RunTabular(model, features, 20, out var labels);

        var ours = _ml.Transforms.ScoreOnnx(["label"], ["features"], model).Fit(data).Transform(data);
        var stock = _ml.Transforms.ApplyOnnxModel(["label"], ["features"], model).Fit(data).Transform(data);

        Assert.Null(ours.Schema.GetColumnOrNull("probabilities"));
        Assert.Equal(stock.Schema["label"].Type, ours.Schema["label"].Type);
        Assert.Equal(labels, DataViewReader.Vectors<long>(ours, "label").Select(v => Assert.Single(v)));
    }

    [Fact]
    public void Estimator_output_shape_lists_the_model_outputs()
    {
        using var dir = new TempDirectory();
        var (data, _) = TabularRows(1);
        var shape = _ml.Transforms.ScoreOnnx(TestModels.Tabular(dir)).GetOutputSchema(new SchemaShape(data.Schema.Select(c => SchemaShapeColumns.Create(c.Name, c.Type))));
        Assert.Contains(shape, c => c.Name == "probabilities" && c.Kind == SchemaShape.Column.VectorKind.Vector);
        Assert.Contains(shape, c => c.Name == "label" && c.Kind == SchemaShape.Column.VectorKind.Vector);
    }

    private static void AssertScores(IDataView scored, float[] expected, long[] expectedLabels)
    {
        var probabilities = DataViewReader.Vectors(scored, "probabilities");
        Assert.Equal(expectedLabels.Length, probabilities.Count);
        for (var i = 0; i < probabilities.Count; i++)
        {
            Assert.Equal(expected[2 * i], probabilities[i][0], 5);
            Assert.Equal(expected[(2 * i) + 1], probabilities[i][1], 5);
        }

        Assert.Equal(expectedLabels, DataViewReader.Vectors<long>(scored, "label").Select(v => Assert.Single(v)));
    }

    private (IDataView Data, float[] Features) TabularRows(int count)
    {
        var random = new Random(7);
        var rows = new List<TabularRow>(count);
        var features = new float[count * 16];
        for (var i = 0; i < count; i++)
        {
            var row = new TabularRow { id = i, features = new float[16] };
            for (var f = 0; f < 16; f++)
            {
                row.features[f] = features[(i * 16) + f] = (float)((random.NextDouble() * 4) - 2);
            }

            rows.Add(row);
        }

        return (_ml.Data.LoadFromEnumerable(rows), features);
    }

    private sealed class TabularRow
    {
        public long id { get; set; }

        [VectorType(16)]
        public float[] features { get; set; } = [];
    }

    private sealed class SplitRow
    {
        [VectorType(10)]
        public float[] head { get; set; } = [];

        public float a { get; set; }

        public float b { get; set; }

        public float c { get; set; }

        public float d { get; set; }

        [VectorType(2)]
        public float[] tail { get; set; } = [];
    }

    private sealed class MultiRow
    {
        [VectorType(4)]
        public float[] Dense { get; set; } = [];

        [VectorType(3)]
        public long[] Ids { get; set; } = [];
    }

    private sealed class WrongRow
    {
        [VectorType(16)]
        public float[] Other { get; set; } = [];
    }

    private sealed class ShortRow
    {
        [VectorType(8)]
        public float[] features { get; set; } = [];
    }
}

internal static class TransformerChainExtensions
{
    public static IEnumerable<ITransformer> Flatten(this TransformerChain<ITransformer> chain) =>
        chain.SelectMany(t => t is TransformerChain<ITransformer> inner ? inner.Flatten() : [t]);
}
