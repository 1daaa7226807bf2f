namespace MlNetBatch.Scoring;

/// <summary>Default values of <see cref="ScoreOnnxOptions"/>.</summary>
public static class ScoreOnnxDefaults
{
    /// <summary>Rows per ONNX Runtime call; 0 chooses from the model's input size (see <see cref="AutoBatchBytes"/>).</summary>
    public const int BatchSize = 0;

    /// <summary>
    /// With an automatic batch size, a batch holds about this many bytes of model input: large enough to amortise
    /// the cost of a call and of handing batches between threads, small enough that a few batches in flight stay cheap.
    /// </summary>
    public const int AutoBatchBytes = 4 << 20;

    /// <summary>The largest automatic batch size.</summary>
    public const int MaxAutoBatchSize = 16384;

    /// <summary>Batches read ahead of inference, and scored ahead of the consumer.</summary>
    public const int PrefetchBatches = 2;

    /// <summary>Batches sorted by length together (see <see cref="ScoreOnnxOptions.LengthBucketBatches"/>): on the text sample, 8 cut padding from 44 % of the tokens run to under 5 %.</summary>
    public const int LengthBucketBatches = 8;

    /// <summary>
    /// On a GPU, a slot holds about this many bytes of model input: a GPU wants far larger batches than a core, and
    /// the run size is then tuned within the slot (see <see cref="FirstGpuRunRows"/>).
    /// </summary>
    public const int GpuAutoBatchBytes = 128 << 20;

    /// <summary>On a GPU with an automatic batch size, the first rows per run; doubled while throughput improves.</summary>
    public const int FirstGpuRunRows = 32;

    /// <summary>Runs on one GPU at once, across every model and partition of the process: two overlap one batch's copies with another's compute.</summary>
    public const int GpuConcurrentRuns = 2;
}
