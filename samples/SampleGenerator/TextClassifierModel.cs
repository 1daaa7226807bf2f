namespace MlNetBatch.Samples.Generator;

/// <summary>
/// The sample text classifier: a transformer-style encoder small enough to generate. Token embeddings, one
/// self-attention block with a residual, masked mean pooling and a softmax head over <see cref="ClassCount"/> labels.
/// The weights are seeded random numbers (the sample is about moving text through a job, not about accuracy), so every
/// run writes the same bytes.
/// </summary>
public static class TextClassifierModel
{
    /// <summary>The embedding width.</summary>
    public const int Width = 32;

    /// <summary>The number of labels.</summary>
    public const int ClassCount = 3;

    /// <summary>The int64 [batch, sequence] token-id input.</summary>
    public const string IdsName = "input_ids";

    /// <summary>The int64 [batch, sequence] mask input: 1 for a token, 0 for padding.</summary>
    public const string MaskName = "attention_mask";

    /// <summary>The float [batch, 3] output.</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>The int64 [batch] output: the most probable label.</summary>
    public const string LabelName = "label";

    /// <summary>Builds the model for a vocabulary of <paramref name="vocabularySize"/> tokens.</summary>
    public static byte[] Build(int vocabularySize, int seed = 7)
    {
        var random = new Random(seed);
        var scale = 1f / MathF.Sqrt(Width);
        return new OnnxModelBuilder("text_classifier")
            .AddInput(IdsName, OnnxElementType.Int64, "batch", "sequence")
            .AddInput(MaskName, OnnxElementType.Int64, "batch", "sequence")
            .AddInitializer("embeddings", Uniform(random, vocabularySize * Width, 1f), vocabularySize, Width)
            .AddInitializer("Wq", Uniform(random, Width * Width, scale), Width, Width)
            .AddInitializer("Wk", Uniform(random, Width * Width, scale), Width, Width)
            .AddInitializer("Wv", Uniform(random, Width * Width, scale), Width, Width)
            .AddInitializer("Wo", Uniform(random, Width * ClassCount, scale), Width, ClassCount)
            .AddInitializer("bo", Uniform(random, ClassCount, 0.1f), ClassCount)
            .AddInitializer("attention_scale", [scale])
            .AddInitializer("one", [1f])
            .AddInitializer("masked_out", [-10_000f])
            .AddInitializer("axis_1", [1L], 1)
            .AddInitializer("axis_2", [2L], 1)
            .AddNode("Gather", ["embeddings", IdsName], ["x"])
            .AddNode("MatMul", ["x", "Wq"], ["q"])
            .AddNode("MatMul", ["x", "Wk"], ["k"])
            .AddNode("MatMul", ["x", "Wv"], ["v"])
            .AddNode("Transpose", ["k"], ["k_t"], OnnxAttribute.Ints("perm", 0, 2, 1))
            .AddNode("MatMul", ["q", "k_t"], ["scores_raw"])
            .AddNode("Mul", ["scores_raw", "attention_scale"], ["scores_scaled"])
            // Padding gets a large negative score, so that no token attends to it.
            .AddNode("Cast", [MaskName], ["mask"], OnnxAttribute.Int("to", 1))
            .AddNode("Unsqueeze", ["mask", "axis_1"], ["mask_keys"])
            .AddNode("Sub", ["one", "mask_keys"], ["padding_keys"])
            .AddNode("Mul", ["padding_keys", "masked_out"], ["padding_bias"])
            .AddNode("Add", ["scores_scaled", "padding_bias"], ["scores"])
            .AddNode("Softmax", ["scores"], ["attention"], OnnxAttribute.Int("axis", -1))
            .AddNode("MatMul", ["attention", "v"], ["context"])
            .AddNode("Add", ["x", "context"], ["hidden"])
            // Mean over the real tokens only.
            .AddNode("Unsqueeze", ["mask", "axis_2"], ["mask_tokens"])
            .AddNode("Mul", ["hidden", "mask_tokens"], ["hidden_masked"])
            .AddNode("ReduceSum", ["hidden_masked", "axis_1"], ["hidden_sum"], OnnxAttribute.Int("keepdims", 0))
            .AddNode("ReduceSum", ["mask_tokens", "axis_1"], ["token_count"], OnnxAttribute.Int("keepdims", 0))
            .AddNode("Div", ["hidden_sum", "token_count"], ["pooled"])
            .AddNode("Gemm", ["pooled", "Wo", "bo"], ["logits"])
            .AddNode("Softmax", ["logits"], [ProbabilitiesName], OnnxAttribute.Int("axis", 1))
            .AddNode("ArgMax", [ProbabilitiesName], [LabelName], OnnxAttribute.Int("axis", 1), OnnxAttribute.Int("keepdims", 0))
            .AddOutput(ProbabilitiesName, OnnxElementType.Float, "batch", ClassCount)
            .AddOutput(LabelName, OnnxElementType.Int64, "batch")
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
