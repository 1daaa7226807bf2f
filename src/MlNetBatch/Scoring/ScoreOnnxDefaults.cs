namespace MlNetBatch.Scoring;

/// <summary>Default values of <see cref="ScoreOnnxOptions"/>.</summary>
public static class ScoreOnnxDefaults
{
    /// <summary>Rows per ONNX Runtime call: large enough to amortise the per-call cost, small enough to stream.</summary>
    public const int BatchSize = 1024;

    /// <summary>Batches read ahead of inference, and scored ahead of the consumer.</summary>
    public const int PrefetchBatches = 2;
}
