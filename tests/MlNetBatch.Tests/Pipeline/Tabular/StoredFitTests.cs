using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline;

namespace MlNetBatch.Tests.Pipeline.Tabular;

/// <summary>
/// A cluster run stores what its planner's preprocessing learned, and every node builds the preprocessing from that
/// instead of fitting again: on any data, the stored fit scores exactly as the planner's fitted chain does.
/// </summary>
public class StoredFitTests
{
    private static readonly List<PreprocessStep> s_steps =
    [
        new() { Transform = "MapValueToKey", InputColumns = ["category"], OutputColumn = "key" },
        new() { Transform = "OneHotEncoding", InputColumns = ["category"], OutputColumn = "onehot" },
        new() { Transform = "ReplaceMissingValues", InputColumns = ["amount"], OutputColumn = "filled", Replacement = MlNetBatch.Pipeline.Stages.Tabular.MissingValueReplacement.Mean },
        new() { Transform = "NormalizeMinMax", InputColumns = ["size"], OutputColumn = "scaled" },
        new() { Transform = "Concatenate", InputColumns = ["filled", "scaled"], OutputColumn = "features" },
    ];

    [Fact]
    public void Preprocessing_built_from_a_stored_fit_scores_other_data_exactly_as_the_planners_fitted_chain()
    {
        var ml = new MLContext(seed: 1);
        var planned = ml.Data.LoadFromEnumerable(Rows(seed: 1, ["cash", "card", "voucher"], sizeScale: 10));
        var elsewhere = ml.Data.LoadFromEnumerable(Rows(seed: 2, ["card", "crypto", "cash", "cheque"], sizeScale: 1000));

        var (plannerChain, _, learned) = PreprocessPipelineBuilder.Build(ml, s_steps, planned, new BlockStageOptions(), folding: null, stored: null);
        // Stored as text in the run's row, read back by another node that sees other data.
        var stored = FittedPreprocessing.FromJson(learned.ToJson());
        var (nodeChain, nodePaths, nodeLearned) = PreprocessPipelineBuilder.Build(ml, s_steps, elsewhere, new BlockStageOptions(), folding: null, stored);
        var (refitted, _, _) = PreprocessPipelineBuilder.Build(ml, s_steps, elsewhere, new BlockStageOptions(), folding: null, stored: null);

        var expected = Values(ml, plannerChain.Transform(elsewhere));
        Assert.Equal(expected, Values(ml, nodeChain.Transform(elsewhere)));
        // Fitting again on the other data would have scored differently: the test can tell the two apart.
        Assert.NotEqual(expected, Values(ml, refitted.Transform(elsewhere)));
        // What the node would store again is what it was given (ML.NET's saved form is a zip whose entries carry the
        // time they were written, so the normalizer is compared by its output above, not by its bytes).
        foreach (var step in new[] { 0, 1, 2 })
        {
            Assert.Equal(stored.BlockFit(step)!.ToJsonString(), nodeLearned.BlockFit(step)!.ToJsonString());
        }

        Assert.NotNull(nodeLearned.LoadTransformer(ml, 3));
        Assert.Contains(nodePaths, p => p.FittedState?.Contains("voucher", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_stored_fit_that_lacks_a_step_is_refused_rather_than_fitted_on_no_data()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(seed: 3, ["a", "b"], sizeScale: 5));
        var (_, _, learned) = PreprocessPipelineBuilder.Build(ml, s_steps.Take(1).ToList(), data, new BlockStageOptions(), folding: null, stored: null);

        var e = Assert.Throws<MlNetBatchException>(() => PreprocessPipelineBuilder.Build(ml, s_steps, data, new BlockStageOptions(), folding: null, FittedPreprocessing.FromJson(learned.ToJson())));

        Assert.Contains("Preprocess step 2 ('OneHotEncoding') has no stored fit", e.Message, StringComparison.Ordinal);
    }

    private static List<string> Values(MLContext ml, IDataView view)
    {
        var keys = view.GetColumn<uint>("key").ToList();
        var features = view.GetColumn<float[]>("features").ToList();
        var onehot = view.GetColumn<float[]>("onehot").ToList();
        return [.. keys.Select((k, i) => $"{k}|{string.Join(',', onehot[i])}|{string.Join(',', features[i].Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}")];
    }

    private static List<Row> Rows(int seed, string[] categories, float sizeScale)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 200).Select(i => new Row
        {
            Category = categories[random.Next(categories.Length)],
            Amount = random.Next(5) == 0 ? float.NaN : (float)(random.NextDouble() * 100),
            Size = (float)(random.NextDouble() * sizeScale),
        })];
    }

    private sealed class Row
    {
        [ColumnName("category")]
        public string Category { get; set; } = string.Empty;

        [ColumnName("amount")]
        public float Amount { get; set; }

        [ColumnName("size")]
        public float Size { get; set; }
    }
}
