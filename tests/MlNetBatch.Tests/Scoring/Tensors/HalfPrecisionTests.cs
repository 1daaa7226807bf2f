using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Tensors;

public class HalfPrecisionTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void Float16_inputs_and_outputs_are_float_columns_rounded_at_the_tensor_boundary()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.HalfDoubler(dir, OnnxElementType.Float16);
        // 1.0001 is not a half: it rounds to 1 on the way in; 70000 overflows half after doubling.
        var rows = new[] { new[] { 1.0001f, -2.5f, 0.1f }, new[] { 65504f, 3e-5f, 1000.3f } };
        var data = TensorRows.Load(_ml, rows, new VectorDataViewType(NumberDataViewType.Single, 3));

        var scored = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, BatchSize = 2, InputColumns = { ["x"] = "X" } }).Fit(data).Transform(data);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 3), scored.Schema["y"].Type);
        var expected = rows.Select(r => r.Select(v => (float)(Half)(2 * (float)(Half)v)).ToArray()).ToList();
        Assert.Equal(expected, DataViewReader.Vectors(scored, "y"));
        Assert.Equal(2f, DataViewReader.Vectors(scored, "y")[0][0]);
        Assert.True(float.IsPositiveInfinity(DataViewReader.Vectors(scored, "y")[1][0]));
    }

    [Fact]
    public void Bfloat16_inputs_and_outputs_are_float_columns_rounded_at_the_tensor_boundary()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Identity(dir, OnnxElementType.BFloat16, ["batch", 2]);
        var rows = new[] { new[] { 1f, 3.14159f }, new[] { -1e30f, 0.5f } };
        var data = TensorRows.Load(_ml, rows, new VectorDataViewType(NumberDataViewType.Single, 2));

        var scored = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, InputColumns = { ["x"] = "X" } }).Fit(data).Transform(data);

        var expected = rows.Select(r => r.Select(v => (float)(Microsoft.ML.OnnxRuntime.BFloat16)v).ToArray()).ToList();
        Assert.Equal(expected, DataViewReader.Vectors(scored, "y"));
        Assert.NotEqual(3.14159f, DataViewReader.Vectors(scored, "y")[0][1]);
        Assert.Equal(3.14159f, DataViewReader.Vectors(scored, "y")[0][1], 0.02f);
    }

    [Fact]
    public void Float16_outputs_of_per_batch_shape_are_widened_into_variable_vectors()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Identity(dir, OnnxElementType.Float16, ["batch", "sequence"]);
        var rows = new[] { new[] { 0.5f }, new[] { 1f, 2f, 3f } };
        var data = TensorRows.Load<float>(_ml, rows, null);

        var scored = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, BatchSize = 2, InputColumns = { ["x"] = "X" } }).Fit(data).Transform(data);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single), scored.Schema["y"].Type);
        Assert.Equal([new[] { 0.5f, 0f, 0f }, new[] { 1f, 2f, 3f }], DataViewReader.Vectors(scored, "y"));
    }
}
