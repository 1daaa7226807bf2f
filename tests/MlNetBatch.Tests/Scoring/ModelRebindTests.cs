using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring;

/// <summary>A job folding a Concatenate rebinds the model it loaded: same session, new column bindings, scores unchanged.</summary>
public class ModelRebindTests
{
    [Fact]
    public async Task A_rebound_model_shares_the_session_outlives_the_original_and_scores_like_a_fresh_load()
    {
        using var dir = new TempDirectory();
        var (path, features) = await BlockPathTests.WriteCsvAsync(dir, rows: 100);
        var expected = RawOnnx.RunTabular(TestModels.Tabular(dir), features, 100, out _);
        var options = new ScoreOnnxOptions { ModelPath = TestModels.Tabular(dir) };
        var original = OnnxScoringModel.Load(options);
        var fused = options.Clone();
        fused.ConcatenatedInputs["features"] = Enumerable.Range(0, 16).Select(i => $"f{i:D2}").ToList();

        using var rebound = original.Rebind(fused);
        original.Dispose();

        Assert.Same(original.Session, rebound.Session);
        Assert.Equal(16, rebound.Inputs.Single().ConcatenatedColumns!.Count);
        var ml = new MLContext(seed: 1);
        var source = ml.Data.LoadFromCsv(path, new DataSourceOptions { ChunkRows = 30 });
        var scored = new ScoreOnnxTransformer(rebound, source.Schema).Transform(source);
        var probabilities = DataViewReader.Vectors(scored, "probabilities");
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(expected[2 * i], probabilities[i][0], 5);
        }
    }
}
