using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Tensors;

public class SymbolicDimensionTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void Image_height_and_width_come_from_the_column_dimensions_and_name_the_output_shape()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Identity(dir, OnnxElementType.UInt8, ["batch", 3, "H", "W"]);
        var rows = Enumerable.Range(0, 7).Select(i => Enumerable.Range(0, 3 * 2 * 4).Select(k => (byte)((i * 31) + k)).ToArray()).ToArray();
        var data = TensorRows.Load(_ml, rows, new VectorDataViewType(NumberDataViewType.Byte, 3, 2, 4));

        var transformer = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, BatchSize = 3, InputColumns = { ["x"] = "X" } }).Fit(data);
        var scored = transformer.Transform(data);

        Assert.Equal("[batch,3,2,4]", transformer.Model.Inputs[0].Shape);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Byte, 1, 3, 2, 4), scored.Schema["y"].Type);
        Assert.Equal(rows, DataViewReader.Vectors<byte>(scored, "y"));
    }

    [Fact]
    public void A_single_open_dimension_is_the_column_size_over_the_known_ones()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Identity(dir, OnnxElementType.Float, ["batch", 2, "n"], ["batch", 2, "n"]);
        var rows = Enumerable.Range(0, 5).Select(i => new[] { i, 1f, 2f, 3f, 4f, 5f }).ToArray();
        var data = TensorRows.Load(_ml, rows, new VectorDataViewType(NumberDataViewType.Single, 6));

        var scored = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, InputColumns = { ["x"] = "X" } }).Fit(data).Transform(data);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 2, 3), scored.Schema["y"].Type);
        Assert.Equal(rows, DataViewReader.Vectors(scored, "y"));
    }

    [Fact]
    public void Two_open_dimensions_without_column_dimensions_are_refused_with_the_fix()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Identity(dir, OnnxElementType.UInt8, ["batch", 3, "H", "W"]);
        var data = TensorRows.Load(_ml, [new byte[12]], new VectorDataViewType(NumberDataViewType.Byte, 12));

        var error = Assert.Throws<OnnxModelException>(() => _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, InputColumns = { ["x"] = "X" } }).Fit(data));

        Assert.Contains("input 'x' [batch,3,H,W]: column 'X' (byte[12]) does not give the open dimensions H, W", error.Message);
    }
}
