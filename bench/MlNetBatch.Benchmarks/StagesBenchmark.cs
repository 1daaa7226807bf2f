using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Storage;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// <c>--stages [runs] [rows]</c>: the block stage engine's own overhead (the bench job with and without a no-op
/// Identity stage) and the overlap of a CPU-heavy block stage with scoring, each over several interleaved runs,
/// printed as ranges because the machine is shared.
/// </summary>
internal static class StagesBenchmark
{
    public static async Task RunAsync(string work, int runs, int rows)
    {
        var modelPath = BenchInputs.WriteModel(work);
        (var source, rows) = await BenchInputs.WriteRowsAsync(work, "in", rows);
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(work));
        double Job(JobDefinition job) => Time(rows, () => runner.RunAsync("stages", job, new JobRunOptions { Restart = true }, CancellationToken.None).GetAwaiter().GetResult());
        Console.WriteLine($"Stage engine benchmark: {rows:N0} rows in {BenchInputs.Files} files, {runs} interleaved runs each, {Environment.ProcessorCount} cores");

        // 1. Overhead: the same job with a no-op block stage in front of the folded Concatenate.
        var plain = JobLoop.Create(work, source, modelPath);
        var identity = JobLoop.Create(work, source, modelPath);
        identity.Preprocess.Insert(0, new PreprocessStep { Transform = "Identity" });
        var (plainRates, identityRates) = Interleave(runs, () => Job(plain), () => Job(identity));
        Print("job (Concatenate folded into the model)", plainRates);
        Print("same job + Identity block stage", identityRates);
        var ratios = plainRates.Zip(identityRates, (p, i) => i / p).ToList();
        Console.WriteLine($"  with stage / without, run by run: {ratios.Min():N3}–{ratios.Max():N3}, of medians {Median(identityRates) / Median(plainRates):N3}   (target >= 0.95)");

        // 2. Overlap: a CPU-heavy stage on a pool that leaves the scorer its core, in front of a model heavy enough
        // that scoring, not reading or writing, is the job's work (16 -> 1024 -> 1024 -> 2). One partition at a time,
        // so the partition's stages overlap on threads of their own, and ONNX Runtime on one thread: its core.
        var threads = Math.Max(1, Environment.ProcessorCount - 1);
        var heavyModel = Path.Combine(work, "heavy-mlp.onnx");
        File.WriteAllBytes(heavyModel, HeavyTabularModel.Build());
        JobDefinition HeavyJob(params PreprocessStep[] steps)
        {
            var job = JobLoop.Create(work, source, heavyModel);
            job.Preprocess.InsertRange(0, steps);
            job.Model.IntraOpThreads = 1;
            // A row costs this model about 15 us: blocks and batches of 1,024 rows (15 ms of work each) keep the stages
            // in step; 8,192-row chunks and 16,384-row batches would leave each stage waiting a quarter second for the
            // other at every partition's start and end.
            job.Model.BatchSize = 1024;
            job.Source.ChunkRows = 1024;
            job.Sink.Columns = ["id", "probabilities"];
            job.Execution.Parallelism = 1;
            job.Execution.PreprocessThreads = threads;
            return job;
        }

        var inferenceOnly = HeavyJob();
        var inferenceRate = Median(Enumerable.Range(0, runs).Select(_ => Job(inferenceOnly)).ToList());
        // Burn about as much per row as scoring costs, so neither side dominates.
        var iterations = BurnCpuTransform.Calibrate(1e6 / inferenceRate * threads);
        BlockTransformRegistry.Default.Register(new BlockTransformRegistration("BurnCpu", _ => new BurnCpuTransform(iterations)));
        var heavy = HeavyJob(new PreprocessStep { Transform = "BurnCpu" });
        var ml = new MLContext();
        var burn = ml.Transforms.ApplyBlockTransform(new BurnCpuTransform(iterations), new BlockStageOptions { WorkerThreads = threads });
        double PreprocessOnly()
        {
            var parquet = ml.Data.LoadFromParquet(source);
            return Time(rows, () => Drain.Blocks(burn.Fit(parquet).Transform(parquet)));
        }

        var (preprocessRates, endToEndRates) = Interleave(runs, PreprocessOnly, () => Job(heavy));
        var inferenceRates = Enumerable.Range(0, runs).Select(_ => Job(inferenceOnly)).ToList();
        Print("inference-only (the job without the stage: read, score on one thread, write)", inferenceRates);
        Print($"preprocess-only (read + BurnCpu, {iterations} iterations/row, {threads} thread(s))", preprocessRates);
        Print("end to end (read + BurnCpu + score + write)", endToEndRates);
        var limit = Math.Min(Median(preprocessRates), Median(inferenceRates));
        Console.WriteLine($"  end to end / min(preprocess-only, inference-only): {endToEndRates.Min() / limit:N2}–{endToEndRates.Max() / limit:N2}, of medians {Median(endToEndRates) / limit:N2}   (target >= 0.9)");
        Console.WriteLine($"  sum-of-times bound (no overlap at all) / min: {1 / (1 / Median(preprocessRates) + 1 / Median(inferenceRates)) / limit:N2}");
    }

    private static (List<double> A, List<double> B) Interleave(int runs, Func<double> a, Func<double> b)
    {
        // Warm-up of both, then alternate so that drift in the machine's load hits both sides alike.
        a();
        b();
        var (first, second) = (new List<double>(), new List<double>());
        for (var i = 0; i < runs; i++)
        {
            first.Add(a());
            second.Add(b());
        }

        return (first, second);
    }

    private static double Time(long rows, Action run)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        run();
        return rows / stopwatch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void Print(string name, List<double> rates) =>
        Console.WriteLine($"  {name,-80} {rates.Min(),12:N0}–{rates.Max(),12:N0} rows/s (median {Median(rates):N0})");
}
