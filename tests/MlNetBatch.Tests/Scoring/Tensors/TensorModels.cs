using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Tensors;

/// <summary>Small ONNX models for the tensor contract: identities and casts over every element type and shape.</summary>
internal static class TensorModels
{
    /// <summary><c>y = Identity(x)</c>, both of <paramref name="type"/> with <paramref name="inputDims"/> and <paramref name="outputDims"/>.</summary>
    public static string Identity(TempDirectory directory, OnnxElementType type, object[] inputDims, object[]? outputDims = null)
    {
        var path = directory.Combine($"identity-{type}-{Guid.NewGuid():N}.onnx");
        new OnnxModelBuilder("identity")
            .AddInput("x", type, inputDims)
            .AddOutput("y", type, outputDims ?? inputDims)
            .AddNode("Identity", ["x"], ["y"])
            .Save(path);
        return path;
    }

    /// <summary>
    /// A half-precision model: x float16[batch,3] → y = Cast(Cast(x, float) * 2, float16), so the values cross the
    /// boundary both ways and change in between.
    /// </summary>
    public static string HalfDoubler(TempDirectory directory, OnnxElementType half)
    {
        var path = directory.Combine($"doubler-{half}.onnx");
        new OnnxModelBuilder("doubler")
            .AddInput("x", half, "batch", 3)
            .AddOutput("y", half, "batch", 3)
            .AddInitializer("two", [2f])
            .AddNode("Cast", ["x"], ["wide"], OnnxAttribute.Int("to", (long)OnnxElementType.Float))
            .AddNode("Mul", ["wide", "two"], ["doubled"])
            .AddNode("Cast", ["doubled"], ["y"], OnnxAttribute.Int("to", (long)half))
            .Save(path);
        return path;
    }

    /// <summary>
    /// A token model: ids int64[batch,sequence] and attention_mask int64[batch,sequence];
    /// masked = ids * attention_mask int64[batch,sequence], and length = ReduceSum(attention_mask, axis 1) int64[batch].
    /// </summary>
    public static string Tokens(TempDirectory directory)
    {
        var path = directory.Combine("tokens.onnx");
        new OnnxModelBuilder("tokens")
            .AddInput("ids", OnnxElementType.Int64, "batch", "sequence")
            .AddInput("attention_mask", OnnxElementType.Int64, "batch", "sequence")
            .AddOutput("masked", OnnxElementType.Int64, "batch", "sequence")
            .AddOutput("length", OnnxElementType.Int64, "batch")
            .AddInitializer("axes", [1L], 1)
            .AddNode("Mul", ["ids", "attention_mask"], ["masked"])
            .AddNode("ReduceSum", ["attention_mask", "axes"], ["length"], OnnxAttribute.Int("keepdims", 0))
            .Save(path);
        return path;
    }

    /// <summary>
    /// A model whose fixed batch of one cannot be opened: y = Concat(x float[1,2], c float[1,2], axis 1) float[1,4];
    /// with two rows, the constant no longer matches the batch.
    /// </summary>
    public static string ConcatWithConstant(TempDirectory directory)
    {
        var path = directory.Combine("concat-constant.onnx");
        new OnnxModelBuilder("concat")
            .AddInput("x", OnnxElementType.Float, 1, 2)
            .AddOutput("y", OnnxElementType.Float, 1, 4)
            .AddInitializer("c", [10f, 20f], 1, 2)
            .AddNode("Concat", ["x", "c"], ["y"], OnnxAttribute.Int("axis", 1))
            .Save(path);
        return path;
    }
}
