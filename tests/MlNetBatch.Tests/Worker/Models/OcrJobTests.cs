using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Scoring.Functions;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Models;

namespace MlNetBatch.Tests.Worker.Models;

/// <summary>The OCR sample as a job: a folder of screenshots (an Images source) through tesseract, <c>path, text</c> to Parquet.</summary>
public class OcrJobTests
{
    [Fact]
    public async Task An_Images_folder_scored_by_tesseract_writes_each_path_with_its_text_and_quarantines_an_unreadable_file()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("screens"));
        var lines = OcrScreens.Lines(12, seed: 21);
        for (var i = 0; i < lines.Count; i++)
        {
            File.WriteAllBytes(dir.Combine("screens", $"{i:D2}.png"), OcrScreens.RenderPng(lines[i]));
        }

        File.WriteAllBytes(dir.Combine("screens", "broken.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var services = new ServiceCollection()
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new TesseractOcrOptions { PageSegmentationMode = 7 }))
            .AddBatchModel<TesseractOcrModel>("tesseract", o => o.BatchSize = 3)
            .BuildServiceProvider();
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path), batchModels: services.GetRequiredService<BatchModelRegistry>());
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = dir.Combine("screens"), Format = DataFormatKind.Images, FilesPerPartition = 5 },
            Model = new ModelDefinition { Kind = ModelKind.Function, Name = "tesseract" },
            Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["path", "text"] },
            Execution = new ExecutionOptions { Parallelism = 2, MaxBadRecords = 1 },
        };

        var summary = await runner.RunAsync("ocr", job);

        Assert.Equal((13, 12, 1), (summary.RowsIn, summary.RowsOut, summary.BadRows));
        var output = new MLContext().Data.LoadFromParquet(dir.Combine("out"));
        var texts = DataViewReader.Text(output, "path").Zip(DataViewReader.Text(output, "text")).ToDictionary(p => p.First, p => p.Second);
        var exact = Enumerable.Range(0, lines.Count).Count(i => texts[dir.Combine("screens", $"{i:D2}.png")] == lines[i]);
        Assert.True(exact >= 0.9 * lines.Count, $"{exact} of {lines.Count} exact");
        var quarantined = Directory.GetFiles(dir.Combine("out", "_quarantine"), "*.jsonl").SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement).Single();
        Assert.Equal(dir.Combine("screens", "broken.png"), quarantined.GetProperty("File").GetString());
        Assert.Contains("#files=", quarantined.GetProperty("Partition").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("batch model 'tesseract' failed on this row: tesseract", quarantined.GetProperty("Reason").GetString(), StringComparison.Ordinal);
    }
}
