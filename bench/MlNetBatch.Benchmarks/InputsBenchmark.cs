using Microsoft.ML;
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
    /// <param name="ScoreCpuMicroseconds">Processor time per row of scoring alone, one thread.</param>
    /// <param name="WriteCpuMicroseconds">Processor time per row of writing alone, in blocks.</param>
    public sealed record MainRun(Measured ReadBlocks, double EndToEnd, double ScoreCpuMicroseconds, double WriteCpuMicroseconds);

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
        var results = new List<(string Name, string Folder, Measured Read, double EndToEnd)>
        {
            ("Parquet.Net (plain, Snappy)", parquetNet, main.ReadBlocks, main.EndToEnd),
        };
        Console.WriteLine($"  Parquet.Net (plain, Snappy), {Size(parquetNet)} MiB: read in blocks and whole job as measured above");
        foreach (var (name, folder) in new[] { ("pyarrow defaults (dictionary, Snappy)", snappy), ("dictionary, zstd", zstd) })
        {
            var glob = Path.Combine(folder, "*.parquet");
            Console.WriteLine($"  {name}, {Size(folder)} MiB:");
            var view = ml.Data.LoadFromParquet(glob);
            var read = Measurement.Run("read Parquet in blocks, as a job does", rows, repetitions, () => Drain.Blocks(view));
            var endToEnd = Measurement.RowsPerSecond("whole job end to end (Parquet -> Parquet)", rows, repetitions, runJob(glob));
            results.Add((name, folder, read, endToEnd));
        }

        Console.WriteLine();
        Console.WriteLine($"  {"input",-40} {"read-only",14} {"end to end",14}  {"read us/row",11} {"ceiling",14}  {"e2e/ceiling",11}");
        foreach (var (name, _, read, endToEnd) in results)
        {
            var stageCpu = read.CpuMicrosecondsPerRow + main.ScoreCpuMicroseconds + main.WriteCpuMicroseconds;
            var ceiling = Environment.ProcessorCount / stageCpu * 1e6;
            Console.WriteLine($"  {name,-40} {read.RowsPerSecond,14:N0} {endToEnd,14:N0}  {read.CpuMicrosecondsPerRow,11:N2} {ceiling,14:N0}  {endToEnd / ceiling,11:N2}");
        }

        Console.WriteLine($"  (rows/s; ceiling = {Environment.ProcessorCount} cores / (read + score {main.ScoreCpuMicroseconds:N2} + write {main.WriteCpuMicroseconds:N2} us of processor time per row); target e2e/ceiling >= 0.85)");

        Console.WriteLine();
        var inputFiles = Directory.GetFiles(parquetNet, "*.parquet").Order(StringComparer.Ordinal).ToArray();
        var loop = Measurement.Run("hand-written loop (ParquetSharp + ORT, 1 thread)", rows, repetitions, () =>
            HandWrittenLoop.Run(inputFiles, modelPath, Path.Combine(work, "out-hand-written")));
        Console.WriteLine($"  job / hand-written loop (Parquet.Net input):          {main.EndToEnd / loop.RowsPerSecond,8:N2}    (target > 1)");
        Console.WriteLine($"  hand-written loop processor time per row:             {loop.CpuMicrosecondsPerRow,8:N2} us");
    }

    private static long Size(string folder) => Directory.GetFiles(folder, "*.parquet").Sum(f => new FileInfo(f).Length) / (1 << 20);
}
