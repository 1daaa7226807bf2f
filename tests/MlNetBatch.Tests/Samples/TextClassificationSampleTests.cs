using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages.Text;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Samples;

public class TextClassificationSampleTests
{
    private static string Models => Path.Combine(RepositoryPaths.Samples, "models");

    [Fact]
    public void The_committed_text_sample_is_what_the_generator_builds()
    {
        Assert.Equal(TextSample.Vocabulary(), File.ReadAllLines(Path.Combine(Models, "text-vocab.txt")));
        Assert.Equal(TextClassifierModel.Build(TextSample.Vocabulary().Count), File.ReadAllBytes(Path.Combine(Models, "text-classifier.onnx")));
    }

    [Theory]
    [InlineData(64, 1_000_000, 1024, 8)]
    [InlineData(64, 1_000_000, 1024, 1)]
    [InlineData(8, 40_000, 100, 3)]
    public async Task The_job_equals_raw_onnx_runtime_on_each_row_tokenized_alone_and_keeps_every_text(int maxTokens, long partitionBytes, int chunkRows, int lengthBucketBatches)
    {
        using var dir = new TempDirectory();
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = Path.Combine(RepositoryPaths.Samples, "data", "text", "*.jsonl"), PartitionBytes = partitionBytes, ChunkRows = chunkRows },
            Preprocess =
            [
                new PreprocessStep
                {
                    Transform = "Tokenize", InputColumns = ["text"], OutputColumn = "input_ids",
                    Tokenizer = new TokenizerSettings { Vocabulary = Path.Combine(Models, "text-vocab.txt"), MaxTokens = maxTokens },
                },
            ],
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = Path.Combine(Models, "text-classifier.onnx"), BatchSize = 64, LengthBucketBatches = lengthBucketBatches, Device = OnnxDevice.Cpu },
            Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["id", "text", "label", "probabilities"] },
            Execution = new ExecutionOptions { Parallelism = 2 },
        };

        var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("text", job);

        var inputs = Directory.GetFiles(Path.Combine(RepositoryPaths.Samples, "data", "text"), "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(e => e.GetProperty("id").GetInt64(), e => e.GetProperty("text").GetString()!);
        Assert.Equal(inputs.Count, summary.RowsOut);
        Assert.True(summary.Partitions >= (partitionBytes < 100_000 ? 4 : 2));

        var ml = new MLContext(1);
        var output = ml.Data.LoadFromParquet(dir.Combine("out", "*.parquet"));
        var ids = DataViewReader.Column<long>(output, "id");
        var texts = DataViewReader.Text(output, "text");
        // A [batch] output is a vector of one, as under stock ML.NET.
        var labels = DataViewReader.Vectors<long>(output, "label").Select(v => Assert.Single(v)).ToList();
        var probabilities = DataViewReader.Vectors(output, "probabilities");
        // Rows sorted by length for their runs still come out in input order: the files' ids ascend.
        Assert.Equal(inputs.Keys.Order(), ids);

        var tokenizer = BertTokenizer.Create(Path.Combine(Models, "text-vocab.txt"));
        using var session = new InferenceSession(Path.Combine(Models, "text-classifier.onnx"));
        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(inputs[ids[i]], texts[i]);
            var (expected, label) = RunAlone(session, tokenizer.EncodeToIds(inputs[ids[i]].AsSpan(), maxTokens, addSpecialTokens: true, out _, out _));
            Assert.Equal(label, labels[i]);
            for (var c = 0; c < expected.Length; c++)
            {
                Assert.InRange(probabilities[i][c], expected[c] - 1e-5f, expected[c] + 1e-5f);
            }
        }
    }

    [Fact]
    public async Task Rows_the_model_fails_on_are_quarantined_with_their_own_row_numbers_while_rows_are_sorted_by_length()
    {
        using var dir = new TempDirectory();
        // One token past the model's embedding table: Gather fails on any row holding it.
        var vocabulary = dir.Combine("vocab.txt");
        await File.WriteAllLinesAsync(vocabulary, [.. TextSample.Vocabulary(), "zzzz"]);
        var random = new Random(3);
        var texts = Enumerable.Range(0, 700).Select(i => string.Join(' ', Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(30) == 0 ? "zzzz" : "good"))).ToList();
        await File.WriteAllLinesAsync(dir.Combine("in.txt"), texts);
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = dir.Combine("in.txt") },
            Preprocess = [new PreprocessStep { Transform = "Tokenize", InputColumns = ["text"], OutputColumn = "input_ids", Tokenizer = new TokenizerSettings { Vocabulary = vocabulary } }],
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = Path.Combine(Models, "text-classifier.onnx"), BatchSize = 16, LengthBucketBatches = 8, Device = OnnxDevice.Cpu },
            Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["text", "label"] },
            Execution = new ExecutionOptions { MaxBadRecords = 1000 },
        };

        var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("bad", job);

        var bad = Enumerable.Range(0, texts.Count).Where(i => texts[i].Contains("zzzz", StringComparison.Ordinal)).ToList();
        Assert.InRange(bad.Count, 20, 600);
        Assert.Equal((texts.Count - bad.Count, (long)bad.Count), (summary.RowsOut, summary.BadRows));
        var quarantined = Directory.GetFiles(dir.Combine("out", "_quarantine"), "*.jsonl").SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Row").GetInt64()).Order().ToList();
        Assert.Equal(bad.Select(i => (long)i), quarantined);
        var output = new MLContext(1).Data.LoadFromParquet(dir.Combine("out", "*.parquet"));
        Assert.Equal(texts.Where((_, i) => !bad.Contains(i)), DataViewReader.Text(output, "text"));
    }

    /// <summary>One row through ONNX Runtime in a batch of its own: no padding, a mask of ones.</summary>
    private static (float[] Probabilities, long Label) RunAlone(InferenceSession session, IReadOnlyList<int> tokens)
    {
        var ids = tokens.Select(t => (long)t).ToArray();
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        using var mask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, ids.Length).ToArray(), [1, ids.Length]);
        using var results = session.Run(new RunOptions(), new Dictionary<string, OrtValue> { ["input_ids"] = idsValue, ["attention_mask"] = mask }, ["probabilities", "label"]);
        return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[1].GetTensorDataAsSpan<long>()[0]);
    }
}
