using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Tests.Support;

/// <summary>Scores with plain ONNX Runtime, one call for all rows: the reference the batched scorer must match.</summary>
public static class RawOnnx
{
    public static float[] RunTabular(string modelPath, float[] features, int rows, out long[] labels)
    {
        using var session = new InferenceSession(modelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows, 16]);
        using var results = session.Run(new RunOptions(), ["features"], [input], ["probabilities", "label"]);
        labels = results[1].GetTensorDataAsSpan<long>().ToArray();
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
