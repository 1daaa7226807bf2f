using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// <c>--gpu cpu|cuda [rows]</c>, run by <c>bench/gpu.sh</c> from a GPU publish: a wide MLP (256 → 2048 → 2048 → 16)
/// over pre-decoded in-memory rows, scored by ScoreOnnx and by raw ONNX Runtime at several batch sizes, on the
/// CPU or on CUDA. The two devices run as separate processes so the script can sample GPU utilisation around the
/// CUDA one alone.
/// </summary>
internal static class GpuBenchmark
{
    private const int Features = 256;
    private const int Hidden = 2048;
    private const int Classes = 16;
    private const int Repetitions = 3;

    public static void Run(string device, int rows)
    {
        var onCuda = device.Equals("cuda", StringComparison.OrdinalIgnoreCase);
        Console.WriteLine($"GPU benchmark ({(onCuda ? "CUDA" : "CPU")}): {rows:N0} rows, wide MLP {Features}-{Hidden}-{Hidden}-{Classes}; ONNX Runtime providers: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}");
        var modelPath = Path.Combine(Path.GetTempPath(), $"mlnetbatch-wide-mlp-{Environment.ProcessId}.onnx");
        File.WriteAllBytes(modelPath, WideMlp());
        try
        {
            var random = new Random(7);
            var features = new float[(long)rows * Features];
            for (var i = 0; i < features.Length; i++)
            {
                features[i] = (float)(random.NextDouble() * 2 - 1);
            }

            var ml = new MLContext(seed: 0);
            var data = ml.Data.Cache(ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new WideRow { features = features.AsSpan(i * Features, Features).ToArray() })));
            Drain.Vector(data, "features");
            var scoreDevice = onCuda ? OnnxDevice.Cuda : OnnxDevice.Cpu;

            var bestScoreOnnx = 0.0;
            foreach (var batchSize in new[] { 0, 1024, 4096 })
            {
                // One transformer for every repetition: a GPU session and its run-size tuner are built once per job, not per pass.
                using var transformer = ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = modelPath, Device = scoreDevice, BatchSize = batchSize }).Fit(data);
                var label = batchSize == 0 ? "automatic batch" : $"batch {batchSize}";
                bestScoreOnnx = Math.Max(bestScoreOnnx, Measurement.RowsPerSecond($"ScoreOnnx on {transformer.Model.Device}, {label}", rows, Repetitions, () => Drain.Vector(transformer.Transform(data), "probabilities")));
                if (transformer.Model.Backends.Tuner is { } tuner)
                {
                    Console.WriteLine($"    rows per run chosen by the tuner: {tuner.RunRows:N0} (settled: {tuner.Settled}) in slots of {transformer.Model.BatchSize:N0}");
                }
            }

            var bestRaw = 0.0;
            foreach (var batch in new[] { 256, 1024, 4096, 16384 })
            {
                bestRaw = Math.Max(bestRaw, Measurement.RowsPerSecond($"raw ONNX Runtime on {(onCuda ? "CUDA" : "the CPU")}, batch {batch}", rows, Repetitions, () => RawInference(modelPath, features, rows, batch, onCuda)));
            }

            Console.WriteLine($"  ScoreOnnx at its best / raw ONNX Runtime at its best batch: {bestScoreOnnx / bestRaw:N2}    (target >= 0.95)");
        }
        finally
        {
            File.Delete(modelPath);
        }
    }

    /// <summary>Plain <c>Run</c> over slices of one array, as a hand-written loop would; on CUDA ONNX Runtime copies each slice itself.</summary>
    private static void RawInference(string modelPath, float[] features, int rows, int batch, bool onCuda)
    {
        using var options = onCuda ? SessionOptions.MakeSessionOptionWithCudaProvider(0) : new SessionOptions();
        using var session = new InferenceSession(modelPath, options);
        using var runOptions = new RunOptions();
        var output = new float[batch * Classes];
        for (var start = 0; start < rows; start += batch)
        {
            var count = Math.Min(batch, rows - start);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, features.AsMemory(start * Features, count * Features), [count, Features]);
            using var probabilities = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, count * Classes), [count, Classes]);
            session.Run(runOptions, ["features"], [input], ["probabilities"], [probabilities]);
        }
    }

    private static byte[] WideMlp()
    {
        var random = new Random(42);
        float[] Weights(int count, float scale) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        return new OnnxModelBuilder("wide_mlp")
            .AddInput("features", OnnxElementType.Float, "batch", Features)
            .AddInitializer("W1", Weights(Features * Hidden, 0.06f), Features, Hidden)
            .AddInitializer("B1", Weights(Hidden, 0.1f), Hidden)
            .AddInitializer("W2", Weights(Hidden * Hidden, 0.02f), Hidden, Hidden)
            .AddInitializer("B2", Weights(Hidden, 0.1f), Hidden)
            .AddInitializer("W3", Weights(Hidden * Classes, 0.02f), Hidden, Classes)
            .AddInitializer("B3", Weights(Classes, 0.1f), Classes)
            .AddNode("Gemm", ["features", "W1", "B1"], ["h1_linear"])
            .AddNode("Relu", ["h1_linear"], ["h1"])
            .AddNode("Gemm", ["h1", "W2", "B2"], ["h2_linear"])
            .AddNode("Relu", ["h2_linear"], ["h2"])
            .AddNode("Gemm", ["h2", "W3", "B3"], ["logits"])
            .AddNode("Softmax", ["logits"], ["probabilities"], OnnxAttribute.Int("axis", 1))
            .AddOutput("probabilities", OnnxElementType.Float, "batch", Classes)
            .Build();
    }

    private sealed class WideRow
    {
        [VectorType(Features)]
        public float[] features { get; set; } = [];
    }
}
