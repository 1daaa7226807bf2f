using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages.Text;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Pipeline.Text;

public class TokenizeJobRerunTests
{
    [Fact]
    public async Task A_rerun_resumes_while_the_vocabulary_is_unchanged_and_rescores_when_its_content_changes()
    {
        using var dir = new TempDirectory();
        var vocabulary = dir.Combine("vocab.txt");
        await File.WriteAllLinesAsync(vocabulary, TextSample.Vocabulary());
        await TextSample.WriteReviewsAsync(dir.Combine("a.jsonl"), 0, 300, seed: 1);
        await TextSample.WriteReviewsAsync(dir.Combine("b.jsonl"), 300, 300, seed: 2);
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = dir.Combine("*.jsonl") },
            // A relative path: resolved against the job's folder.
            Preprocess = [new PreprocessStep { Transform = "Tokenize", InputColumns = ["text"], OutputColumn = "input_ids", Tokenizer = new TokenizerSettings { Vocabulary = "vocab.txt" } }],
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = Path.Combine(RepositoryPaths.Samples, "models", "text-classifier.onnx"), Device = OnnxDevice.Cpu },
            Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["id", "label"] },
        };
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));

        var first = await runner.RunAsync("text", job);
        var unchanged = await runner.RunAsync("text", job);
        // The same words in another order: other ids, so the output written before is no longer valid.
        await File.WriteAllLinesAsync(vocabulary, [.. TextSample.Vocabulary().Take(5), .. TextSample.Vocabulary().Skip(5).Reverse()]);
        var changed = await runner.RunAsync("text", job);

        Assert.Equal((2, 0), (first.Partitions, first.ResumedPartitions));
        Assert.Equal(2, unchanged.ResumedPartitions);
        Assert.Equal((0, 600L), (changed.ResumedPartitions, changed.RowsOut));
    }
}
