namespace MlNetBatch.Samples.Generator;

/// <summary>
/// The sample tabular classifier: a 16-32-2 MLP with a softmax head and an argmax label,
/// built from seeded random weights so every run produces the same bytes.
/// </summary>
public static class TabularModel
{
    /// <summary>Number of input features (<c>f00</c>..<c>f15</c>).</summary>
    public const int FeatureCount = 16;

    /// <summary>Width of the hidden layer.</summary>
    public const int HiddenSize = 32;

    /// <summary>Number of output classes.</summary>
    public const int ClassCount = 2;

    /// <summary>Name of the float [batch, 16] input.</summary>
    public const string InputName = "features";

    /// <summary>Name of the float [batch, 2] class-probability output.</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>Name of the int64 [batch] predicted-class output.</summary>
    public const string LabelName = "label";

    /// <summary>Builds the model as ONNX bytes with a symbolic <c>batch</c> dimension.</summary>
    public static byte[] Build(int seed = 42) => Build(seed, "batch");

    /// <summary>
    /// Builds the model with the given batch dimension: an <see cref="int"/>/<see cref="long"/>
    /// for a fixed batch size, or a <see cref="string"/> for a symbolic one.
    /// </summary>
    public static byte[] Build(int seed, object batch)
    {
        var random = new Random(seed);

        // Draw in a fixed order (W1, B1, W2, B2) so the weights depend only on the seed.
        // ±0.5 keeps hidden activations around unit scale for features in [-2, 2],
        // so the softmax is neither saturated nor flat.
        var w1 = Uniform(random, FeatureCount * HiddenSize, 0.5f);
        var b1 = Uniform(random, HiddenSize, 0.1f);
        var w2 = Uniform(random, HiddenSize * ClassCount, 0.5f);
        var b2 = Uniform(random, ClassCount, 0.1f);

        return new OnnxModelBuilder("tabular_mlp")
            .AddInput(InputName, OnnxElementType.Float, batch, FeatureCount)
            .AddInitializer("W1", w1, FeatureCount, HiddenSize)
            .AddInitializer("B1", b1, HiddenSize)
            .AddInitializer("W2", w2, HiddenSize, ClassCount)
            .AddInitializer("B2", b2, ClassCount)
            .AddNode("Gemm", [InputName, "W1", "B1"], ["hidden_linear"])
            .AddNode("Relu", ["hidden_linear"], ["hidden"])
            .AddNode("Gemm", ["hidden", "W2", "B2"], ["logits"])
            .AddNode("Softmax", ["logits"], [ProbabilitiesName], OnnxAttribute.Int("axis", 1))
            .AddNode("ArgMax", [ProbabilitiesName], [LabelName], OnnxAttribute.Int("axis", 1), OnnxAttribute.Int("keepdims", 0))
            .AddOutput(ProbabilitiesName, OnnxElementType.Float, batch, ClassCount)
            .AddOutput(LabelName, OnnxElementType.Int64, batch)
            .Build();
    }

    private static float[] Uniform(Random random, int count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2.0 - 1.0) * scale);
        }

        return values;
    }
}
