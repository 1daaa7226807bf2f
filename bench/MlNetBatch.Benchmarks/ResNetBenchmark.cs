using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// <c>--resnet [images] [runs]</c>: ResNet18 features over the same generated images (the sample generator's, 180–320
/// pixels a side, half JPEG, half PNG) three ways: inference only, at its best batch, on tensors decoded beforehand
/// (the limit); the image-classification sample job end to end (decode, resize 224, normalize, ResNet18, Parquet;
/// model loading included); and stock ML.NET (ImageAnalytics' LoadImages, ResizeImages, ExtractPixels, then
/// OnnxTransformer's ApplyOnnxModel), in a process of its own (bench/MlNetBatch.StockImages).
/// Inference only and the job run in pairs, one after the other, over the same number of images, so a machine that
/// slows down for a while (these are shared virtual machines) slows both of a pair; the ratios are the issue's targets.
/// </summary>
internal static class ResNetBenchmark
{
    private const int Side = 224;
    private static readonly int[] Batches = [1, 8, 16, 32];

    /// <summary>Images decoded for inference only, which goes round them: its rate does not depend on the pixels.</summary>
    private const int DecodedImages = 1000;

    /// <summary>Batches of images the job warms up on: four partitions.</summary>
    private const int WarmUpBatches = 8;
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    public static async Task RunAsync(string work, int count, int runs)
    {
        var folder = Path.Combine(work, "images");
        ImageSamples.WriteFolder(folder, count);
        var model = ImageSamples.ResNet18PackageModel;
        Console.WriteLine($"ResNet18 over {count} images ({Environment.ProcessorCount} cores, load average {LoadAverage()}), {runs} run(s) of inference only and the job side by side:");

        var tensors = Preprocess(folder, DecodedImages);
        using var inference = new ResNetInferenceOnly(model, tensors);
        var batch = BestBatch(inference, tensors.Length);
        using var packed = inference.Pack(batch);
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(work));
        var job = ImageJob(folder, model, batch);
        // Inference only was run once before its clock starts; the job runs once over four partitions' images, so
        // neither pays for compiling its code in the pairs (after a warm-up over one partition, the first job run was
        // still 3 % slower than the others).
        var warmUp = Path.Combine(work, "warm-up");
        Directory.CreateDirectory(warmUp);
        foreach (var image in Directory.GetFiles(folder).Order(StringComparer.Ordinal).Take(WarmUpBatches * batch))
        {
            File.Copy(image, Path.Combine(warmUp, Path.GetFileName(image)));
        }

        await JobOnceAsync(runner, ImageJob(warmUp, model, batch), work, -1, WarmUpBatches * batch, quiet: true);
        var pairs = new List<double>();
        var limit = (Rate: 0.0, Cpu: TimeSpan.Zero);
        var best = (Rate: 0.0, OtherStagesCpu: TimeSpan.Zero);
        for (var run = 0; run < runs; run++)
        {
            // Side by side, so a machine that slows down for a while slows both of a pair; which goes first alternates.
            var (jobRate, otherStagesCpu) = run % 2 == 1 ? await JobOnceAsync(runner, job, work, run, count) : default;
            GC.Collect();
            var watch = Stopwatch.StartNew();
            var (scored, cpu) = CpuTimed(() => packed.Score(count));
            var rate = scored / watch.Elapsed.TotalSeconds;
            Console.WriteLine($"  {"inference only, batch " + batch,-40} {rate,8:F1} images/s  ({watch.Elapsed.TotalMilliseconds:N0} ms, {cpu.TotalMilliseconds:N0} ms processor time)");
            limit = rate > limit.Rate ? (rate, cpu / scored) : limit;
            if (run % 2 == 0)
            {
                (jobRate, otherStagesCpu) = await JobOnceAsync(runner, job, work, run, count);
            }

            Console.WriteLine($"    job / inference only in this pair: {jobRate / rate:F2}");
            pairs.Add(jobRate / rate);
            best = jobRate > best.Rate ? (jobRate, otherStagesCpu) : best;
        }

        var stock = Stock(folder, model, runs);

        // The job must spend at least the processor time of its other stages (read, decode, resize, normalize, write:
        // its own stage figures) and of inference on every image, and it has only these cores: however well the two
        // overlap, it cannot go faster than cores / (both per image).
        var otherMs = best.OtherStagesCpu.TotalMilliseconds / count;
        var inferenceMs = limit.Cpu.TotalMilliseconds;
        var ceiling = Math.Min(1, Environment.ProcessorCount * 1000 / (otherMs + inferenceMs) / limit.Rate);
        Console.WriteLine($"  processor time per image: the job's stages but scoring {otherMs:F2} ms, inference only {inferenceMs:F2} ms (best batch), {Environment.ProcessorCount} cores");
        Console.WriteLine($"  ceiling of job / inference-only with perfect overlap on these cores: {ceiling:F2}");
        pairs.Sort();
        Console.WriteLine($"  job / inference-only, pair by pair: median {pairs[pairs.Count / 2]:F2}, range {pairs[0]:F2}-{pairs[^1]:F2} (target >= 0.9)");
        Console.WriteLine($"  best job / best inference-only: {best.Rate / limit.Rate:F2}");
        Console.WriteLine($"  best job / stock ML.NET:        {best.Rate / stock:F2} (target >= 2)");
        Console.WriteLine($"  inference only / stock ML.NET:  {limit.Rate / stock:F2} (what no job can exceed)");
        Console.WriteLine($"  load average after: {LoadAverage()}");
    }

    /// <summary>Each batch size once over the decoded tensors; the fastest is the limit's.</summary>
    private static int BestBatch(ResNetInferenceOnly inference, int images)
    {
        var best = (Rate: 0.0, Batch: 1);
        foreach (var batch in Batches)
        {
            using var packed = inference.Pack(batch);
            var watch = Stopwatch.StartNew();
            var scored = packed.Score(images);
            var rate = scored / watch.Elapsed.TotalSeconds;
            Console.WriteLine($"  {"inference only, batch " + batch,-40} {rate,8:F1} images/s  (choosing the batch)");
            best = rate > best.Rate ? (rate, batch) : best;
        }

        return best.Batch;
    }

    /// <summary>The model inputs, made once by the image stages, outside any timing.</summary>
    private static float[][] Preprocess(string folder, int limit)
    {
        var ml = new MLContext(seed: 0);
        var images = ml.Data.TakeRows(ml.Data.LoadImages(folder), limit);
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

    /// <summary>The sample job (samples/image-features.json) with the limit's batch, two batches a partition.</summary>
    private static JobDefinition ImageJob(string folder, string model, int batch) => new()
    {
        Source = new SourceDefinition { Path = folder, Format = DataFormatKind.Images, FilesPerPartition = 2 * batch, ChunkRows = 16 },
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

    /// <summary>
    /// One run of the job over every image into a new output, model loading included: its images/s, and the processor
    /// time of its stages but scoring.
    /// </summary>
    private static async Task<(double Rate, TimeSpan OtherStagesCpu)> JobOnceAsync(JobRunner runner, JobDefinition job, string work, int run, int count, bool quiet = false)
    {
        job.Sink = new SinkDefinition { Path = Path.Combine(work, $"job-out-{run}"), Columns = ["path", "features"] };
        GC.Collect();
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

        var rate = count / watch.Elapsed.TotalSeconds;
        var other = summary.Stages.Where(s => s.Name != "score").Aggregate(TimeSpan.Zero, (sum, s) => sum + (s.Cpu ?? s.Wall));
        Directory.Delete(Path.Combine(work, $"job-out-{run}"), recursive: true);
        if (quiet)
        {
            return (rate, other);
        }

        Console.WriteLine($"  {"image job end to end, batch " + job.Model.BatchSize,-40} {rate,8:F1} images/s  ({watch.Elapsed.TotalMilliseconds:N0} ms, {cpu.TotalMilliseconds:N0} ms processor time, model load included)");
        foreach (var stage in summary.Stages)
        {
            Console.WriteLine($"      stage {stage.Name,-12} {stage.Cpu?.TotalMilliseconds / count,6:F2} ms of processor time per image");
        }

        return (rate, other);
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

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

}
