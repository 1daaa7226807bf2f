using MlNetBatch.Samples.Generator;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// A tabular model whose scoring outweighs reading and writing: the bench's 16 features through two hidden layers of
/// 1,024 to 2 probabilities, about 1.1 M multiply-adds a row.
/// </summary>
internal static class HeavyTabularModel
{
    private const int Hidden = 1024;

    public static byte[] Build()
    {
        var features = TabularModel.FeatureCount;
        var random = new Random(11);
        float[] Weights(int count, float scale) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        return new OnnxModelBuilder("heavy_tabular_mlp")
            .AddInput(TabularModel.InputName, OnnxElementType.Float, "batch", features)
            .AddInitializer("W1", Weights(features * Hidden, 0.25f), features, Hidden)
            .AddInitializer("B1", Weights(Hidden, 0.1f), Hidden)
            .AddInitializer("W2", Weights(Hidden * Hidden, 0.03f), Hidden, Hidden)
            .AddInitializer("B2", Weights(Hidden, 0.1f), Hidden)
            .AddInitializer("W3", Weights(Hidden * 2, 0.03f), Hidden, 2)
            .AddInitializer("B3", Weights(2, 0.1f), 2)
            .AddNode("Gemm", [TabularModel.InputName, "W1", "B1"], ["h1_linear"])
            .AddNode("Relu", ["h1_linear"], ["h1"])
            .AddNode("Gemm", ["h1", "W2", "B2"], ["h2_linear"])
            .AddNode("Relu", ["h2_linear"], ["h2"])
            .AddNode("Gemm", ["h2", "W3", "B3"], ["logits"])
            .AddNode("Softmax", ["logits"], [TabularModel.ProbabilitiesName], OnnxAttribute.Int("axis", 1))
            .AddOutput(TabularModel.ProbabilitiesName, OnnxElementType.Float, "batch", 2)
            .Build();
    }
}
