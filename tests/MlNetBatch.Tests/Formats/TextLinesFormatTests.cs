using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages.Text;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Pipeline.Text;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Formats;

public class TextLinesFormatTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_line_comes_back_once_in_order_over_partitions_and_chunks(int seed)
    {
        using var dir = new TempDirectory();
        var random = new Random(seed);
        var expected = new List<string>();
        for (var f = 0; f < random.Next(1, 4); f++)
        {
            // Odd names: dots, spaces, Unicode; one of them compressed.
            var lines = Enumerable.Range(0, random.Next(0, 600)).Select(_ => RandomLine(random)).ToList();
            var crlf = random.Next(2) == 0;
            var trailingBreak = lines.Count > 0 && random.Next(2) == 0;
            var body = string.Join(crlf ? "\r\n" : "\n", lines) + (trailingBreak ? "\n" : string.Empty);
            var name = $"part {f}.v1.näme";
            if (f == 1)
            {
                using var gz = new GZipStream(File.Create(dir.Combine(name + ".txt.gz")), CompressionLevel.Fastest);
                gz.Write(Encoding.UTF8.GetBytes(body));
            }
            else
            {
                File.WriteAllText(dir.Combine(name + ".txt"), body, new UTF8Encoding(random.Next(2) == 0));
            }

            // A line break ends the line before it and starts none: so a last line that is empty, with no break
            // after it, is no line at all (its file ends in the break before it).
            expected.AddRange(lines.Count > 0 && lines[^1].Length == 0 && !trailingBreak ? lines[..^1] : lines);
        }

        var options = new DataSourceOptions { PartitionBytes = random.Next(1024, 5000), ChunkRows = random.Next(1, 300) };
        var view = new MLContext(seed).Data.LoadFromTextLines(dir.Combine("*"), options);

        Assert.Equal(["text"], view.Schema.Select(c => c.Name));
        Assert.Equal(expected, DataViewReader.Text(view, "text"));
    }

    [Fact]
    public async Task Lines_that_are_not_UTF8_are_quarantined_with_file_row_and_offset_and_the_rest_are_scored()
    {
        using var dir = new TempDirectory();
        var vocabulary = TestVocabulary.Write(dir.Path);
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("the quick fox\nbrown dog\n"));
        bytes.AddRange([0x6c, 0x61, 0x7a, 0xff, 0xfe, 0x0a]); // "laz" and two bytes no UTF-8 text holds
        bytes.AddRange(Encoding.UTF8.GetBytes("\nthe end"));
        await File.WriteAllBytesAsync(dir.Combine("notes.txt"), [.. bytes]);

        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = dir.Combine("notes.txt") },
            Preprocess = [new PreprocessStep { Transform = "Tokenize", InputColumns = ["text"], OutputColumn = "input_ids", Tokenizer = new TokenizerSettings { Vocabulary = vocabulary, MaxTokens = 16 } }],
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = Path.Combine(RepositoryPaths.Samples, "models", "text-classifier.onnx"), Device = OnnxDevice.Cpu },
            Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["text", "label"] },
            Execution = new ExecutionOptions { MaxBadRecords = 1 },
        };

        var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("notes", job);

        Assert.Equal((5L, 4L, 1L), (summary.RowsIn, summary.RowsOut, summary.BadRows));
        Assert.Equal(["the quick fox", "brown dog", "", "the end"], DataViewReader.Text(new MLContext().Data.LoadFromParquet(dir.Combine("out")), "text"));
        var bad = JsonDocument.Parse(Assert.Single(Directory.GetFiles(dir.Combine("out", "_quarantine"), "*.jsonl").SelectMany(File.ReadLines))).RootElement;
        Assert.Equal(2, bad.GetProperty("Row").GetInt64());
        Assert.Equal(24, bad.GetProperty("ByteOffset").GetInt64());
        Assert.EndsWith("notes.txt", bad.GetProperty("File").GetString());
        Assert.Equal("the line is not valid UTF-8 text.", bad.GetProperty("Reason").GetString());
    }

    [Fact]
    public void A_declared_column_renames_the_lines_and_anything_else_is_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("a.txt"), "x\ny\n");
        var ml = new MLContext(1);

        var renamed = ml.Data.LoadFromTextLines(dir.Combine("a.txt"), new DataSourceOptions { Columns = new() { ["line"] = "string" } });
        Assert.Equal(["x", "y"], DataViewReader.Text(renamed, "line"));

        // Declared columns skip inference, so the check comes when the file is planned: at the first read.
        var numbers = ml.Data.LoadFromTextLines(dir.Combine("a.txt"), new DataSourceOptions { Columns = new() { ["n"] = "float" } });
        var error = Assert.ThrowsAny<MlNetBatchException>(() => DataViewReader.Column<float>(numbers, "n"));
        Assert.Contains("a text file is one column of lines; declare at most one column, of type string (the source declares n: float)", error.Message);
    }

    private static string RandomLine(Random random) => random.Next(10) switch
    {
        0 => string.Empty,
        1 => "  leading and trailing spaces  ",
        2 => "tab\tinside, \"quotes\", commas; 東京 🙂",
        3 => new string('x', random.Next(1, 20_000)),
        _ => TestVocabulary.RandomText(random),
    };
}
