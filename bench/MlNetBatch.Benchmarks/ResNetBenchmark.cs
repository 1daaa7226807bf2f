using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using Onnx;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// <c>--resnet [images] [runs]</c>: ResNet18 features over the same generated images (the sample generator's, 180–320
/// pixels a side, half JPEG, half PNG) three ways: inference only, at its best batch, on tensors decoded beforehand
/// (the limit); the image-classification sample job end to end (decode, resize 224, normalize, ResNet18, Parquet);
/// and stock ML.NET (ImageAnalytics' LoadImages, ResizeImages, ExtractPixels, then OnnxTransformer's ApplyOnnxModel), in a
/// process of its own (bench/MlNetBatch.StockImages).
/// Each is timed after a warm-up on a few images, best of the runs; the ratios are the issue's targets.
/// </summary>
internal static class ResNetBenchmark
{
    private const int Side = 224;
    private const int TensorSize = 3 * Side * Side;
    private static readonly int[] Batches = [1, 8, 16, 32];
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    public static async Task RunAsync(string work, int count, int runs)
    {
        var folder = Path.Combine(work, "images");
        ImageSamples.WriteFolder(folder, count);
        var model = ImageSamples.ResNet18PackageModel;
        Console.WriteLine($"ResNet18 over {count} images ({Environment.ProcessorCount} cores, load average {LoadAverage()}), best of {runs} run(s):");

        _ = Preprocess(folder);
        var (tensors, preprocessCpu) = CpuTimed(() => Preprocess(folder));
        var (limit, bestBatch, inferenceCpu) = InferenceOnly(model, tensors, runs);
        var job = await JobAsync(work, folder, model, bestBatch, count, runs);
        var stock = Stock(folder, model, runs);

        // The job must spend at least the processor time of preprocessing and of inference on every image, and it has
        // only these cores: however well the two overlap, it cannot go faster than cores / (both per image).
        var preprocessMs = preprocessCpu.TotalMilliseconds / count;
        var inferenceMs = inferenceCpu.TotalMilliseconds / count;
        var ceiling = Math.Min(1, Environment.ProcessorCount * 1000 / (preprocessMs + inferenceMs) / limit);
        Console.WriteLine($"  processor time per image: preprocessing {preprocessMs:F2} ms, inference {inferenceMs:F2} ms (best batch), {Environment.ProcessorCount} cores");
        Console.WriteLine($"  ceiling of job / inference-only with perfect overlap on these cores: {ceiling:F2}");
        Console.WriteLine($"  job / inference-only: {job / limit:F2} (target >= 0.9)");
        Console.WriteLine($"  job / stock ML.NET:   {job / stock:F2} (target >= 2)");
        Console.WriteLine($"  load average after: {LoadAverage()}");
    }

    /// <summary>The model inputs, made once by the image stages, outside any timing.</summary>
    private static float[][] Preprocess(string folder)
    {
        var ml = new MLContext(seed: 0);
        var images = ml.Data.LoadImages(folder);
        var decoded = ml.Transforms.DecodeImage().Fit(images).Transform(images);
        var resized = ml.Transforms.ResizeImage("resized", Side, Side).Fit(decoded).Transform(decoded);
        var pixels = ml.Transforms.ImageToTensor("pixels", "resized", new ImageTensorOptions { Mean = [.. Mean], Std = [.. Std] }).Fit(resized).Transform(resized);
        var column = pixels.Schema["pixels"];
        using var cursor = pixels.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var tensors = new List<float[]>();
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            tensors.Add(value.DenseValues().ToArray());
        }

        return [.. tensors];
    }

    /// <summary>Runs <paramref name="work"/> once and returns its result with the processor time the process spent on it.</summary>
    private static (T Result, TimeSpan Cpu) CpuTimed<T>(Func<T> work)
    {
        using var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var result = work();
        process.Refresh();
        return (result, process.TotalProcessorTime - before);
    }

    /// <summary>ONNX Runtime alone on an open-batch copy of the model, with the job's session settings, batches packed beforehand.</summary>
    private static (double ImagesPerSecond, int Batch, TimeSpan Cpu) InferenceOnly(string modelPath, float[][] tensors, int runs)
    {
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        proto.Graph.SetDim();
        using var session = OnnxSessionFactory.Create(proto.ToByteArray(), "resnet18", new ScoreOnnxOptions { Device = OnnxDevice.Cpu, IntraOpThreads = Environment.ProcessorCount }, NullLogger.Instance, out _);
        // Every core, said outright: ONNX Runtime's own default counts physical cores as it detects them, and on some
        // virtual machines here it ran one thread, which would make a limit that a job on both cores passes.
        var best = (ImagesPerSecond: 0.0, Batch: 1, Cpu: TimeSpan.Zero);
        foreach (var batch in Batches)
        {
            var packed = tensors.Chunk(batch).Select(chunk =>
            {
                var values = new float[chunk.Length * TensorSize];
                for (var i = 0; i < chunk.Length; i++)
                {
                    chunk[i].CopyTo(values, i * TensorSize);
                }

                return OrtValue.CreateTensorValueFromMemory(values, [chunk.Length, 3, Side, Side]);
            }).ToList();
            using var runOptions = new RunOptions();
            var (rate, cpu) = Time($"inference only, batch {batch}", tensors.Length, runs, () =>
            {
                foreach (var input in packed)
                {
                    using var output = session.Run(runOptions, [ImageSamples.ResNetInput], [input], [ImageSamples.ResNetOutput]);
                }
            }, warmUp: () =>
            {
                using var output = session.Run(runOptions, [ImageSamples.ResNetInput], [packed[0]], [ImageSamples.ResNetOutput]);
            });
            packed.ForEach(p => p.Dispose());
            if (rate > best.ImagesPerSecond)
            {
                best = (rate, batch, cpu);
            }
        }

        Console.WriteLine($"  inference only, best: batch {best.Batch}, {best.ImagesPerSecond:F1} images/s");
        return best;
    }

    /// <summary>The sample job (samples/image-features.json) with the best batch, model loading included.</summary>
    private static async Task<double> JobAsync(string work, string folder, string model, int batch, int count, int runs)
    {
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(work));
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = folder, Format = DataFormatKind.Images, FilesPerPartition = Math.Max(64, batch * 4), ChunkRows = 16 },
            Preprocess =
            [
                new PreprocessStep { Transform = "DecodeImage", Image = new() { Width = Side, Height = Side } },
                new PreprocessStep { Transform = "Resize", InputColumns = ["image"], OutputColumn = "resized", Image = new() { Width = Side, Height = Side } },
                new PreprocessStep { Transform = "ToTensor", InputColumns = ["resized"], OutputColumn = "pixels", Image = new() { Mean = [.. Mean], Std = [.. Std] } },
            ],
            Model = new MlNetBatch.Jobs.Models.ModelDefinition
            {
                ModelPath = model,
                BatchSize = batch,
                Device = OnnxDevice.Cpu,
                InputColumns = { [ImageSamples.ResNetInput] = "pixels" },
                OutputColumns = { [ImageSamples.ResNetOutput] = "features" },
            },
        };
        var best = TimeSpan.MaxValue;
        var bestCpu = TimeSpan.Zero;
        for (var run = 0; run < runs; run++)
        {
            job.Sink = new SinkDefinition { Path = Path.Combine(work, $"job-out-{run}"), Columns = ["path", "features"] };
            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var summary = await runner.RunAsync($"resnet-{run}", job, new JobRunOptions { Restart = true }, CancellationToken.None);
            watch.Stop();
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            if (summary.RowsOut != count)
            {
                throw new InvalidOperationException($"The job wrote {summary.RowsOut} rows of {count}.");
            }

            if (watch.Elapsed < best)
            {
                best = watch.Elapsed;
                bestCpu = cpu;
            }
        }

        var rate = count / best.TotalSeconds;
        Console.WriteLine($"  {"image job end to end, batch " + batch,-40} {rate,8:F1} images/s  ({best.TotalMilliseconds:N0} ms, {bestCpu.TotalMilliseconds:N0} ms processor time, model load included)");
        return rate;
    }

    /// <summary>
    /// Stock ML.NET (ImageAnalytics + ApplyOnnxModel) in its own process, bench/MlNetBatch.StockImages: ImageAnalytics
    /// 5.0.1 needs SkiaSharp 2.88, which cannot load beside MlNetBatch's SkiaSharp 4.
    /// </summary>
    private static double Stock(string folder, string model, int runs)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "MlNetBatch.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Run the bench from inside the repository.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        foreach (var arg in new[] { "run", "-c", "Release", "--project", Path.Combine(root, "bench", "MlNetBatch.StockImages"), "--",
            folder, model, ImageSamples.ResNetInput, ImageSamples.ResNetOutput, runs.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = text.Split('\n').LastOrDefault(l => l.StartsWith("images/s ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The stock ML.NET run failed (exit {process.ExitCode}): {text}");
        }

        var rate = double.Parse(line["images/s ".Length..], CultureInfo.InvariantCulture);
        Console.WriteLine($"  {"stock ML.NET ImageAnalytics + ApplyOnnxModel",-40} {rate,8:F1} images/s  (own process)");
        return rate;
    }

    /// <summary>The best run's images/s, and the processor time of that run.</summary>
    private static (double Rate, TimeSpan Cpu) Time(string name, int images, int runs, Action run, Action warmUp)
    {
        warmUp();
        var best = TimeSpan.MaxValue;
        var bestCpu = TimeSpan.Zero;
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            var watch = Stopwatch.StartNew();
            var (_, cpu) = CpuTimed(() =>
            {
                run();
                return 0;
            });
            if (watch.Elapsed < best)
            {
                best = watch.Elapsed;
                bestCpu = cpu;
            }
        }

        var rate = images / best.TotalSeconds;
        Console.WriteLine($"  {name,-40} {rate,8:F1} images/s  ({best.TotalMilliseconds:N0} ms, {bestCpu.TotalMilliseconds:N0} ms processor time)");
        return (rate, bestCpu);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

}
