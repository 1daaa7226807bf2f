using Microsoft.Extensions.Options;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Scoring.Functions;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Models;
using Xunit.Abstractions;

namespace MlNetBatch.Tests.Worker.Models;

public class TesseractOcrModelTests(ITestOutputHelper output)
{
    [Fact]
    public void Rendered_lines_some_turned_or_noisy_come_back_from_tesseract_exactly_for_at_least_90_percent_and_nearly_for_the_rest()
    {
        var lines = TextImages.Lines(40, seed: 13);
        // Every third line is turned by up to 2 degrees, every fourth has 1 % of its pixels set to random greys.
        var images = lines.Select((l, i) => new Image
        {
            path = $"screens/{i:D3}.png",
            bytes = TextImages.RenderPng(l, degrees: i % 3 == 0 ? (i % 5) - 2 : 0, noise: i % 4 == 0 ? 0.01 : 0, seed: i),
        }).ToList();

        var (texts, bad) = Ocr(images, new TesseractOcrOptions { PageSegmentationMode = 7 });

        Assert.Empty(bad);
        Assert.Equal(images.Select(i => i.path), texts.Select(t => t.Path));
        var distances = texts.Select((t, i) => EditDistance(t.Text, lines[i])).ToList();
        var exact = distances.Count(d => d == 0);
        output.WriteLine($"{exact} of {lines.Count} lines exact, largest edit distance {distances.Max()}");
        foreach (var (text, i) in texts.Select((t, i) => (t.Text, i)).Where(p => distances[p.i] > 0))
        {
            output.WriteLine($"line {i}: '{lines[i]}' read as '{text}'");
        }

        Assert.True(exact >= 0.9 * lines.Count, $"{exact} of {lines.Count} lines exact; misread: {string.Join(" | ", texts.Where((t, i) => distances[i] > 0).Select(t => t.Text))}");
        Assert.All(distances, d => Assert.InRange(d, 0, 3));
    }

    [Fact]
    public void An_image_tesseract_cannot_read_is_a_bad_record_with_its_path_and_the_others_are_read()
    {
        var images = new List<Image>
        {
            new() { path = "ok.png", bytes = TextImages.RenderPng("total 42") },
            new() { path = "corrupt.png", bytes = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3] },
            new() { path = "empty.png", bytes = [] },
        };

        var (texts, bad) = Ocr(images, new TesseractOcrOptions { PageSegmentationMode = 7 });

        Assert.Equal([("ok.png", "total 42")], texts.Select(t => (t.Path, t.Text)));
        Assert.Equal(["corrupt.png", "empty.png"], bad.Select(b => b.File).Order());
        Assert.Equal([1L, 2L], bad.Select(b => b.Row).Order());
        Assert.Contains(bad, b => b.Reason == "batch model 'tesseract' failed on this row: the image is empty (0 bytes)");
        Assert.Contains(bad, b => b.File == "corrupt.png" && b.Reason.StartsWith("batch model 'tesseract' failed on this row: tesseract", StringComparison.Ordinal));
    }

    /// <summary>Runs the model over <paramref name="images"/> the way a job does: bound to the rows' schema, two images per call, two calls at once.</summary>
    private static (List<(string Path, string Text)> Texts, List<BadRecord> Bad) Ocr(List<Image> images, TesseractOcrOptions options)
    {
        var input = new MLContext().Data.LoadFromEnumerable(images);
        var model = new RegisteredBatchModel("tesseract", new TesseractOcrModel(Options.Create(options)), new BatchModelOptions { MaxConcurrency = 2, BatchSize = 2 });
        var binding = BatchFunctionBinding.Bind(model, input.Schema, new Dictionary<string, string>(), new Dictionary<string, string>(), batchSize: 0);
        var bad = new BadRecords();
        var scored = new BatchFunctionDataView(input, binding, bad);
        // One pass: each pass scores again, and would report the bad rows again.
        var texts = new List<(string, string)>();
        using var cursor = scored.GetRowCursor(scored.Schema);
        var path = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["path"]);
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["text"]);
        ReadOnlyMemory<char> pathValue = default, textValue = default;
        while (cursor.MoveNext())
        {
            path(ref pathValue);
            text(ref textValue);
            texts.Add((pathValue.ToString(), textValue.ToString()));
        }

        return (texts, bad.Records);
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private sealed class BadRecords : IBadRecordSink
    {
        public List<BadRecord> Records { get; } = [];

        public void Report(BadRecord record)
        {
            lock (Records)
            {
                Records.Add(record);
            }
        }
    }

    private sealed class Image
    {
        public string path { get; set; } = string.Empty;

        [VectorType]
        public byte[] bytes { get; set; } = [];
    }
}
