using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Storage.S3.Tests.Support;
using MlNetBatch.Testing.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Storage.S3.Tests.S3;

/// <summary>
/// A job's model on S3 (s3rver): fetched into a local cache keyed by the object's version, so every node of a cluster
/// loads it without a shared disk. Its own collection: it points the model cache of the process at a folder of its own.
/// </summary>
[Collection(nameof(S3ModelTests))]
[CollectionDefinition(nameof(S3ModelTests), DisableParallelization = true)]
public class S3ModelTests(S3rverFixture s3) : IClassFixture<S3rverFixture>
{
    [Fact]
    public async Task A_model_on_s3_scores_as_the_local_file_does_and_is_fetched_once_per_version()
    {
        using var dir = new TempDirectory();
        var cache = dir.Combine("model-cache");
        var previous = Environment.GetEnvironmentVariable("MLNETBATCH_MODEL_CACHE");
        Environment.SetEnvironmentVariable("MLNETBATCH_MODEL_CACHE", cache);
        try
        {
            var resolver = s3.Resolver();
            var prefix = S3rverFixture.NewPrefix();
            await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 600, 200, seed: 3);
            var local = TestModels.Tabular(dir);
            var model = S3rverFixture.Location($"{prefix}/models/tabular.onnx");
            await ObjectBytes.WriteAsync(resolver.Resolve(model), model, await File.ReadAllBytesAsync(local));
            var runner = new JobRunner(resolver, new JobPaths(dir.Path));
            var input = dir.Combine("in", "*.parquet");

            await runner.RunAsync("local-model", S3SourcesAndSinksTests.Job(input, local, dir.Combine("local")));
            var remote = await runner.RunAsync("s3-model", S3SourcesAndSinksTests.Job(input, model.ToString(), dir.Combine("remote")));

            Assert.Equal(600, remote.RowsOut);
            var ml = new MLContext();
            Assert.Equal(Scores(ml, dir.Combine("local")), Scores(ml, dir.Combine("remote")));
            var cached = Assert.Single(Directory.GetFiles(cache, "*.onnx", SearchOption.AllDirectories));
            Assert.Equal(await File.ReadAllBytesAsync(local), await File.ReadAllBytesAsync(cached));

            // The same version again: loaded from the cache, not fetched (the cached file is left as it was).
            var fetchedAt = DateTime.UtcNow.AddHours(-1);
            File.SetLastWriteTimeUtc(cached, fetchedAt);
            await runner.RunAsync("s3-model-again", S3SourcesAndSinksTests.Job(input, model.ToString(), dir.Combine("again")));
            Assert.Equal(fetchedAt, File.GetLastWriteTimeUtc(cached));

            // A new version of the object is fetched anew, beside the old one.
            await ObjectBytes.WriteAsync(resolver.Resolve(model), model, TabularModel.Build(7, "batch"));
            await runner.RunAsync("s3-model-new", S3SourcesAndSinksTests.Job(input, model.ToString(), dir.Combine("new")));
            Assert.Equal(2, Directory.GetFiles(cache, "*.onnx", SearchOption.AllDirectories).Length);
            Assert.NotEqual(Scores(ml, dir.Combine("local")), Scores(ml, dir.Combine("new")));
            Assert.Empty(Directory.GetFiles(cache, "*.partial", SearchOption.AllDirectories));

            var missing = await Assert.ThrowsAsync<JobFailedException>(() => runner.RunAsync(
                "s3-model-missing", S3SourcesAndSinksTests.Job(input, $"s3://{S3rverFixture.Bucket}/{prefix}/models/none.onnx", dir.Combine("missing"))));
            Assert.Contains($"s3://{S3rverFixture.Bucket}/{prefix}/models/none.onnx", missing.Message);
            Assert.Contains("does not exist", missing.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MLNETBATCH_MODEL_CACHE", previous);
        }
    }

    private static Dictionary<long, float> Scores(MLContext ml, string output)
    {
        var view = ml.Data.LoadFromParquet(output);
        var ids = DataViewReader.Column<long>(view, "id");
        var probabilities = DataViewReader.Vectors(view, "probabilities");
        return ids.Select((id, i) => (id, probabilities[i][1])).ToDictionary(p => p.id, p => p.Item2);
    }
}
