using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using ParquetSharp;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// The job on the same rows written three ways (<c>--inputs</c>): by Parquet.Net (the main run's input), with
/// pyarrow's defaults (dictionary, Snappy) and with dictionary and zstd, both through ParquetSharp. For each: reading
/// in blocks, the whole job, and the CPU-bound ceiling; then the job against a hand-written loop on the first input.
/// </summary>
internal static class InputsBenchmark
{
    /// <summary>What the main run already measured on the Parquet.Net input, reused here.</summary>
    /// <param name="ReadBlocks">Reading the Parquet.Net input in blocks.</param>
    /// <param name="EndToEnd">The whole job on the Parquet.Net input, rows/s.</param>
    /// <param name="EndToEndCpuMicroseconds">The whole job's processor time per row on the Parquet.Net input.</param>
    /// <param name="ScoreCpuMicroseconds">Processor time per row of scoring alone, one thread.</param>
    /// <param name="WriteCpuMicroseconds">Processor time per row of writing alone, in blocks.</param>
    public sealed record MainRun(Measured ReadBlocks, double EndToEnd, double EndToEndCpuMicroseconds, double ScoreCpuMicroseconds, double WriteCpuMicroseconds);

    /// <summary>
    /// Writes the two ParquetSharp inputs from the Parquet.Net files in <c>work/in</c> and measures all three;
    /// <paramref name="runJob"/> is the main run's job with its source pointed at a glob.
    /// </summary>
    public static void Run(string work, string modelPath, int files, int perFile, int rowGroupRows, int repetitions, MainRun main, Func<string, Action> runJob)
    {
        var rows = files * perFile;
        var parquetNet = Path.Combine(work, "in");
        var snappy = Path.Combine(work, "in-dictionary-snappy");
        var zstd = Path.Combine(work, "in-dictionary-zstd");
        Directory.CreateDirectory(snappy);
        Directory.CreateDirectory(zstd);
        for (var f = 0; f < files; f++)
        {
            var name = $"part-{f:D5}.parquet";
            var (ids, features) = ParquetReadBenchmark.ReadBack(Path.Combine(parquetNet, name), perFile);
            ParquetReadBenchmark.WriteWithArrow(Path.Combine(snappy, name), ids, features, rowGroupRows, Compression.Snappy);
            ParquetReadBenchmark.WriteWithArrow(Path.Combine(zstd, name), ids, features, rowGroupRows, Compression.Zstd);
        }

        Console.WriteLine();
        Console.WriteLine($"Inputs: the same {rows:N0} rows in {files} files, row groups of {rowGroupRows:N0}; score and write per row as above");
        var ml = new MLContext(seed: 0);
        var results = new List<(string Name, string Folder, Measured Read, double EndToEnd, double JobCpu)>
        {
            ("Parquet.Net (plain, Snappy)", parquetNet, main.ReadBlocks, main.EndToEnd, main.EndToEndCpuMicroseconds),
        };
        Console.WriteLine($"  Parquet.Net (plain, Snappy), {Size(parquetNet)} MiB: read in blocks and whole job as measured above");
        foreach (var (name, folder) in new[] { ("pyarrow defaults (dictionary, Snappy)", snappy), ("dictionary, zstd", zstd) })
        {
            var glob = Path.Combine(folder, "*.parquet");
            Console.WriteLine($"  {name}, {Size(folder)} MiB:");
            var view = ml.Data.LoadFromParquet(glob);
            var read = Measurement.Run("read Parquet in blocks, as a job does", rows, repetitions, () => Drain.Blocks(view));
            var endToEnd = Measurement.Run("whole job end to end (Parquet -> Parquet)", rows, repetitions, runJob(glob));
            results.Add((name, folder, read, endToEnd.RowsPerSecond, endToEnd.CpuMicrosecondsPerRow));
        }

        Console.WriteLine();
        Console.WriteLine($"  {"input",-40} {"read-only",14} {"end to end",14}  {"read us/row",11} {"job us/row",10} {"ceiling",14}  {"e2e/ceiling",11}");
        foreach (var (name, _, read, endToEnd, jobCpu) in results)
        {
            var stageCpu = read.CpuMicrosecondsPerRow + main.ScoreCpuMicroseconds + main.WriteCpuMicroseconds;
            var ceiling = Environment.ProcessorCount / stageCpu * 1e6;
            Console.WriteLine($"  {name,-40} {read.RowsPerSecond,14:N0} {endToEnd,14:N0}  {read.CpuMicrosecondsPerRow,11:N3} {jobCpu,10:N3} {ceiling,14:N0}  {endToEnd / ceiling,11:N2}");
        }

        Console.WriteLine($"  (rows/s; ceiling = {Environment.ProcessorCount} cores / (read + score {main.ScoreCpuMicroseconds:N3} + write {main.WriteCpuMicroseconds:N3} us of processor time per row); target e2e/ceiling >= 0.85)");

        Console.WriteLine();
        var inputFiles = Directory.GetFiles(parquetNet, "*.parquet").Order(StringComparer.Ordinal).ToArray();
        var loop = Measurement.Run("hand-written loop (ParquetSharp + ORT, 1 thread)", rows, repetitions, () =>
            HandWrittenLoop.Run(inputFiles, modelPath, Path.Combine(work, "out-hand-written")));
        CheckOutput(ml, Path.Combine(work, "out-hand-written"), rows);
        var levels = Measurement.Run("the same, probabilities written as levels", rows, repetitions, () =>
            HandWrittenLoop.Run(inputFiles, modelPath, Path.Combine(work, "out-hand-written"), listAsLevels: true));
        CheckOutput(ml, Path.Combine(work, "out-hand-written"), rows);
        Console.WriteLine();
        Console.WriteLine($"  job / hand-written loop (Parquet.Net input):          {main.EndToEnd / loop.RowsPerSecond,8:N2}    (target > 1)");
        Console.WriteLine($"  job / hand-written loop, lists as levels:             {main.EndToEnd / levels.RowsPerSecond,8:N2}");
        Console.WriteLine($"  processor time per row: job {main.EndToEndCpuMicroseconds:N3}, loop {loop.CpuMicrosecondsPerRow:N3}, loop with levels {levels.CpuMicrosecondsPerRow:N3} us");
    }

    /// <summary>Reads the hand-written loop's output back: every id once, two probabilities per row summing to 1.</summary>
    private static void CheckOutput(MLContext ml, string folder, long rows)
    {
        var view = ml.Data.LoadFromParquet(Path.Combine(folder, "*.parquet"));
        using var cursor = view.GetRowCursor(view.Schema);
        var idGetter = cursor.GetGetter<long>(view.Schema["id"]);
        var probabilitiesGetter = cursor.GetGetter<VBuffer<float>>(view.Schema["probabilities"]);
        long count = 0, idSum = 0, id = 0;
        VBuffer<float> probabilities = default;
        while (cursor.MoveNext())
        {
            idGetter(ref id);
            probabilitiesGetter(ref probabilities);
            var values = probabilities.DenseValues().ToArray();
            if (values.Length != 2 || Math.Abs(values[0] + values[1] - 1) > 1e-4)
            {
                throw new InvalidDataException($"hand-written loop wrote probabilities [{string.Join(", ", values)}] for id {id}");
            }

            (count, idSum) = (count + 1, idSum + id);
        }

        if (count != rows || idSum != rows * (rows - 1) / 2)
        {
            throw new InvalidDataException($"hand-written loop wrote {count:N0} rows (id sum {idSum}), expected {rows:N0}");
        }
    }

    private static long Size(string folder) => Directory.GetFiles(folder, "*.parquet").Sum(f => new FileInfo(f).Length) / (1 << 20);
}
