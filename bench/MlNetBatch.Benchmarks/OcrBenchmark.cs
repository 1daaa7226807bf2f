using Microsoft.Extensions.DependencyInjection;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring.Functions;
using MlNetBatch.Storage;
using MlNetBatch.Worker.Models;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// The OCR job (<c>--ocr</c>): rendered screens through the Images source and tesseract (one process per image, at
/// most one per core), images/s end to end, beside tesseract alone on the same files run the same way.
/// </summary>
internal static class OcrBenchmark
{
    public static async Task RunAsync(string work, int images)
    {
        var input = Path.Combine(work, "screens");
        Directory.CreateDirectory(input);
        var lines = OcrScreens.Lines(images, seed: 7);
        for (var i = 0; i < images; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(input, $"screen-{i:D5}.png"), OcrScreens.RenderPng(lines[i], seed: i));
        }

        var cores = Environment.ProcessorCount;
        Console.WriteLine($"OCR: {images:N0} rendered screens of one line each; tesseract {cores} process(es) at a time; {cores} cores");
        var services = new ServiceCollection().AddOptions().AddBatchModel<TesseractOcrModel>("tesseract", o => o.MaxConcurrency = cores).BuildServiceProvider();
        var files = Directory.GetFiles(input).Order(StringComparer.Ordinal).ToArray();

        var alone = Measurement.Run("  tesseract alone (the command line per file, as many at once)", images, 1, () =>
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = cores }, TesseractOnce));

        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = input, Format = DataFormatKind.Images },
            Model = new ModelDefinition { Kind = ModelKind.Function, Name = "tesseract" },
            Sink = new SinkDefinition { Path = Path.Combine(work, "out"), Columns = ["path", "text"] },
        };
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(work), batchModels: services.GetRequiredService<BatchModelRegistry>());
        var endToEnd = Measurement.Run("  OCR job end to end (Images -> tesseract -> Parquet)", images, 1, () =>
            runner.RunAsync("ocr", job, new JobRunOptions { Restart = true }, CancellationToken.None).GetAwaiter().GetResult());

        Console.WriteLine($"  OCR images/s, job:                                    {endToEnd.RowsPerSecond,12:N1}");
        Console.WriteLine($"  job / tesseract alone:                                {endToEnd.RowsPerSecond / alone.RowsPerSecond,12:F2}");
    }

    /// <summary>tesseract on one file, as the batch model runs it (stdout, English, automatic page segmentation, one thread).</summary>
    private static void TesseractOnce(string file)
    {
        var start = new System.Diagnostics.ProcessStartInfo("tesseract", [file, "stdout", "-l", "eng", "--psm", "3"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OMP_THREAD_LIMIT"] = "1";
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
    }
}
