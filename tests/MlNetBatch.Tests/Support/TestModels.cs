using MlNetBatch.Samples.Generator;

namespace MlNetBatch.Tests.Support;

/// <summary>Small ONNX models built for the tests, written into a temporary directory.</summary>
public static class TestModels
{
    /// <summary>The sample MLP: features float[batch,16] -> probabilities float[batch,2], label int64[batch].</summary>
    public static string Tabular(TempDirectory directory, object? batch = null)
    {
        var path = directory.Combine($"tabular-{batch ?? "dynamic"}.onnx");
        File.WriteAllBytes(path, TabularModel.Build(42, batch ?? "batch"));
        return path;
    }

    /// <summary>
    /// A model that fails on some rows: looks <c>idx</c> (int64[batch,1]) up in a table of 4 rows with Gather, so an
    /// index outside 0..3 makes ONNX Runtime fail the whole batch. Output: <c>value</c> float[batch,1,2].
    /// </summary>
    public static string FailsOnBadIndex(TempDirectory directory)
    {
        var path = directory.Combine("lookup.onnx");
        new OnnxModelBuilder("lookup")
            .AddInput("idx", OnnxElementType.Int64, "batch", 1)
            .AddOutput("value", OnnxElementType.Float, "batch", 1, 2)
            .AddInitializer("table", [0f, 1f, 10f, 11f, 20f, 21f, 30f, 31f], 4, 2)
            .AddNode("Gather", ["table", "idx"], ["value"], OnnxAttribute.Int("axis", 0))
            .Save(path);
        return path;
    }

    /// <summary>
    /// Two inputs and two outputs, one of each int64: dense float[batch,4] and ids int64[batch,3];
    /// sum = ReduceSum(dense, axis 1) float[batch,1], doubled = ids * 2 int64[batch,3].
    /// </summary>
    public static string MultiInputOutput(TempDirectory directory)
    {
        var path = directory.Combine("multi.onnx");
        new OnnxModelBuilder("multi")
            .AddInput("dense", OnnxElementType.Float, "batch", 4)
            .AddInput("ids", OnnxElementType.Int64, "batch", 3)
            .AddOutput("sum", OnnxElementType.Float, "batch", 1)
            .AddOutput("doubled", OnnxElementType.Int64, "batch", 3)
            .AddInitializer("two", [2L])
            .AddInitializer("axes", [1L], 1)
            .AddNode("ReduceSum", ["dense", "axes"], ["sum"], OnnxAttribute.Int("keepdims", 1))
            .AddNode("Mul", ["ids", "two"], ["doubled"])
            .Save(path);
        return path;
    }

    /// <summary>
    /// A float and a rank-one int64 input, as tabular models with a categorical code have: x float[batch,8] and
    /// cat int64[batch]; score = ReduceSum(x, axis 1) + cat float[batch], code = cat * 3 int64[batch].
    /// </summary>
    public static string MultiIo(TempDirectory directory)
    {
        var path = directory.Combine("multi_io.onnx");
        new OnnxModelBuilder("multi_io")
            .AddInput("x", OnnxElementType.Float, "batch", 8)
            .AddInput("cat", OnnxElementType.Int64, "batch")
            .AddOutput("score", OnnxElementType.Float, "batch")
            .AddOutput("code", OnnxElementType.Int64, "batch")
            .AddInitializer("axes", [1L], 1)
            .AddInitializer("three", [3L])
            .AddNode("ReduceSum", ["x", "axes"], ["total"], OnnxAttribute.Int("keepdims", 0))
            // 1 is TensorProto.FLOAT.
            .AddNode("Cast", ["cat"], ["cat_float"], OnnxAttribute.Int("to", 1))
            .AddNode("Add", ["total", "cat_float"], ["score"])
            .AddNode("Mul", ["cat", "three"], ["code"])
            .Save(path);
        return path;
    }
}
