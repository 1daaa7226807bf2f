using System.Diagnostics;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// Runs the bench's job again and again (<c>--job-loop [runs] [rows]</c>) and prints each run's wall and processor
/// time: a steady workload to attach a profiler to, and the job's fixed cost, measured on a one-row-group input.
/// </summary>
internal static class JobLoop
{
    public static async Task RunAsync(string work, int runs, int rows)
    {
        var modelPath = BenchInputs.WriteModel(work);
        var (input, total) = await BenchInputs.WriteRowsAsync(work, "in", rows);
        // One row per file: what a job costs whatever its size.
        var (tinyInput, tinyRows) = await BenchInputs.WriteRowsAsync(work, "tiny", BenchInputs.Files);
        JobBreakdown.Run(work, input, modelPath, total, repetitions: 3);
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(work));
        var job = Create(work, input, modelPath);
        var tiny = Create(work, tinyInput, modelPath);
        Console.WriteLine($"Job loop: {runs} runs of {total:N0} rows in {BenchInputs.Files} files, each followed by a run of {tinyRows} rows (the fixed cost)");
        var process = Process.GetCurrentProcess();
        for (var run = 0; run < runs; run++)
        {
            process.Refresh();
            var kernelBefore = process.PrivilegedProcessorTime;
            var (gen0, gen1, gen2, allocated) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes());
            var (wall, cpu) = Time(process, () => runner.RunAsync("bench", job, new JobRunOptions { Restart = true }, CancellationToken.None).GetAwaiter().GetResult());
            process.Refresh();
            var kernel = process.PrivilegedProcessorTime - kernelBefore;
            var collections = $"kernel {kernel.TotalMilliseconds:N0} ms; GC {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, {(GC.GetTotalAllocatedBytes() - allocated) >> 20} MiB allocated";
            var (tinyWall, tinyCpu) = Time(process, () => runner.RunAsync("bench", tiny, new JobRunOptions { Restart = true }, CancellationToken.None).GetAwaiter().GetResult());
            Console.WriteLine($"  run {run + 1,3}: {total / wall.TotalSeconds,12:N0} rows/s, {wall.TotalMilliseconds,6:N0} ms, {cpu.TotalMilliseconds,6:N0} ms CPU ({cpu.TotalMicroseconds / (total):N3} us/row); {collections}; fixed cost {tinyWall.TotalMilliseconds,5:N1} ms, {tinyCpu.TotalMilliseconds,5:N1} ms CPU");
        }
    }

    /// <summary>The bench's job: Concatenate the 16 features, score on the CPU with default batching, write id + probabilities + label.</summary>
    public static JobDefinition Create(string work, string sourceGlob, string modelPath) => new()
    {
        Source = new SourceDefinition { Path = sourceGlob },
        Preprocess = [new PreprocessStep { Transform = "Concatenate", OutputColumn = "features", InputColumns = TabularData.FeatureColumns.ToList() }],
        // Defaults as a user gets them: automatic batch size, one partition per processor in flight.
        Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = modelPath, Device = OnnxDevice.Cpu },
        Sink = new SinkDefinition { Path = Path.Combine(work, "out"), Columns = ["id", "probabilities", "label"] },
    };

    private static (TimeSpan Wall, TimeSpan Cpu) Time(Process process, Action action)
    {
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        action();
        stopwatch.Stop();
        process.Refresh();
        return (stopwatch.Elapsed, process.TotalProcessorTime - cpuBefore);
    }
}
