namespace MlNetBatch.Scoring;

/// <summary>How <c>ScoreOnnx</c> runs a model. Properties, so that configuration binding fills them.</summary>
public class ScoreOnnxOptions
{
    /// <summary>The <c>.onnx</c> file. Only score models from sources you trust.</summary>
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>Rows gathered into one ONNX Runtime call; 0 lets MlNetBatch choose from the size of one row of model input.</summary>
    /// <value>The default is 0 (automatic: about <see cref="ScoreOnnxDefaults.AutoBatchBytes"/> of input, at most <see cref="ScoreOnnxDefaults.MaxAutoBatchSize"/> rows).</value>
    public int BatchSize { get; set; } = ScoreOnnxDefaults.BatchSize;

    /// <summary>Batches prepared ahead of inference and kept ready for the consumer; bounds memory.</summary>
    /// <value>The default is <see cref="ScoreOnnxDefaults.PrefetchBatches"/>.</value>
    public int PrefetchBatches { get; set; } = ScoreOnnxDefaults.PrefetchBatches;

    /// <summary>
    /// For models with inputs of varying length (token ids): how many batches' rows are sorted by length together, so
    /// that each batch is padded to rows of similar length instead of its longest. Output rows keep their input order
    /// either way; 1 sorts nothing.
    /// </summary>
    /// <value>The default is <see cref="ScoreOnnxDefaults.LengthBucketBatches"/>.</value>
    public int LengthBucketBatches { get; set; } = ScoreOnnxDefaults.LengthBucketBatches;

    /// <summary>Model input name to column name, where they differ. Unlisted inputs read the column of the same name.</summary>
    public Dictionary<string, string> InputColumns { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Model input name to several columns (numbers or vectors of the input's element type) whose values are
    /// concatenated, in order, straight into the input tensor: what a <c>Concatenate</c> transform would do,
    /// without building a vector per row.
    /// </summary>
    public Dictionary<string, List<string>> ConcatenatedInputs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Model output name to output column name. When empty, every model output becomes a column of the same name;
    /// when set, only the listed outputs are produced.
    /// </summary>
    public Dictionary<string, string> OutputColumns { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where the model runs.</summary>
    /// <value>The default is <see cref="OnnxDevice.Auto"/>.</value>
    public OnnxDevice Device { get; set; } = OnnxDevice.Auto;

    /// <summary>The CUDA device for <see cref="OnnxDevice.Cuda"/> and <see cref="OnnxDevice.Auto"/>.</summary>
    public int GpuDeviceId { get; set; }

    /// <summary>
    /// Runs on the GPU at once, shared by every partition and model of the process scoring on that device (the first
    /// model loaded on a device sets it). Partitions beyond it wait for the device instead of opening more work on it.
    /// </summary>
    /// <value>The default is <see cref="ScoreOnnxDefaults.GpuConcurrentRuns"/>.</value>
    public int GpuConcurrentRuns { get; set; } = ScoreOnnxDefaults.GpuConcurrentRuns;

    /// <summary>
    /// On a GPU, run the model through ONNX Runtime's TensorRT provider, with CUDA for the nodes TensorRT does not take.
    /// Needs TensorRT's libraries beside the GPU build; the first load of a model builds its engine, which can take minutes.
    /// </summary>
    /// <value>The default is false (CUDA only).</value>
    public bool TensorRt { get; set; }

    /// <summary>A folder where TensorRT keeps built engines, so later loads of the same model skip the build. Unset: no cache.</summary>
    public string? TensorRtCachePath { get; set; }

    /// <summary>
    /// Threads ONNX Runtime uses inside one operator. 0 chooses: ONNX Runtime's default (every core) for a transformer
    /// used on its own; in a job, the cores divided among the partitions scored at once.
    /// </summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Copies these options.</summary>
    public ScoreOnnxOptions Clone() => new()
    {
        ModelPath = ModelPath,
        BatchSize = BatchSize,
        PrefetchBatches = PrefetchBatches,
        LengthBucketBatches = LengthBucketBatches,
        InputColumns = new Dictionary<string, string>(InputColumns, StringComparer.Ordinal),
        ConcatenatedInputs = ConcatenatedInputs.ToDictionary(p => p.Key, p => p.Value.ToList(), StringComparer.Ordinal),
        OutputColumns = new Dictionary<string, string>(OutputColumns, StringComparer.Ordinal),
        Device = Device,
        GpuDeviceId = GpuDeviceId,
        GpuConcurrentRuns = GpuConcurrentRuns,
        TensorRt = TensorRt,
        TensorRtCachePath = TensorRtCachePath,
        IntraOpThreads = IntraOpThreads,
    };
}
