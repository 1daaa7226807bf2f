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
    [InlineData(64, 1_000_000, 1024)]
    [InlineData(8, 40_000, 100)]
    public async Task The_job_equals_raw_onnx_runtime_on_each_row_tokenized_alone_and_keeps_every_text(int maxTokens, long partitionBytes, int chunkRows)
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
            Model = new ScoreOnnxOptions { ModelPath = Path.Combine(Models, "text-classifier.onnx"), BatchSize = 64, Device = OnnxDevice.Cpu },
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
        Assert.Equal(inputs.Keys.Order(), ids.Order());

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
