using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages;
using MlNetBatch.Scoring;

namespace MlNetBatch.Tests.Jobs;

public class ModelInputFoldingTests
{
    private static readonly string[] ModelInputs = ["features"];

    [Fact]
    public void A_Concatenate_that_only_feeds_the_model_is_folded_into_its_input()
    {
        var folding = new ModelInputFolding(new ScoreOnnxOptions(), ModelInputs, []);

        var input = folding.TryFold(Concatenate("features", "a", "b"), []);

        Assert.Equal("features", input);
        Assert.Equal(["features"], folding.FoldedInputs);
        Assert.Equal(["a", "b"], folding.Model.ConcatenatedInputs["features"]);
    }

    [Fact]
    public void A_mapped_column_is_folded_into_the_input_that_reads_it_and_the_options_passed_in_stay_as_they_were()
    {
        var options = new ScoreOnnxOptions { InputColumns = { ["features"] = "Vector" } };
        var folding = new ModelInputFolding(options, ModelInputs, []);

        var input = folding.TryFold(Concatenate("Vector", "a"), []);

        Assert.Equal("features", input);
        Assert.False(folding.Model.InputColumns.ContainsKey("features"));
        Assert.Equal(["a"], folding.Model.ConcatenatedInputs["features"]);
        Assert.Equal("Vector", options.InputColumns["features"]);
        Assert.Empty(options.ConcatenatedInputs);
    }

    [Fact]
    public void Nothing_is_folded_when_the_column_is_written_read_later_or_its_inputs_change()
    {
        var written = new ModelInputFolding(new ScoreOnnxOptions(), ModelInputs, ["features"]).TryFold(Concatenate("features", "a"), []);
        var readLater = new ModelInputFolding(new ScoreOnnxOptions(), ModelInputs, []).TryFold(
            Concatenate("features", "a"), [new PreprocessStep { Transform = "CopyColumns", OutputColumn = "copy", InputColumns = ["features"] }]);
        var inputRewritten = new ModelInputFolding(new ScoreOnnxOptions(), ModelInputs, []).TryFold(
            Concatenate("features", "a"), [new PreprocessStep { Transform = "NormalizeMinMax", OutputColumn = "a", InputColumns = ["a"] }]);
        var dropped = new ModelInputFolding(new ScoreOnnxOptions(), ModelInputs, []).TryFold(
            Concatenate("features", "a"), [new PreprocessStep { Transform = "DropColumns", InputColumns = ["b"] }]);
        var notAModelInput = new ModelInputFolding(new ScoreOnnxOptions(), ModelInputs, []).TryFold(Concatenate("other", "a"), []);

        Assert.All(new[] { written, readLater, inputRewritten, dropped, notAModelInput }, Assert.Null);
    }

    [Fact]
    public void A_column_another_model_input_also_reads_is_not_folded()
    {
        // "x" concatenates "features" with another column: removing "features" would starve it.
        var options = new ScoreOnnxOptions { ConcatenatedInputs = { ["x"] = ["features", "c"] } };
        var sharedByConcatenation = new ModelInputFolding(options, ["features", "x"], []);
        var mappedTwice = new ModelInputFolding(new ScoreOnnxOptions { InputColumns = { ["y"] = "features" } }, ["features", "y"], []);

        Assert.Null(sharedByConcatenation.TryFold(Concatenate("features", "a"), []));
        Assert.Null(mappedTwice.TryFold(Concatenate("features", "a"), []));
        Assert.Empty(sharedByConcatenation.FoldedInputs);
        Assert.Equal(["features", "c"], sharedByConcatenation.Model.ConcatenatedInputs["x"]);
    }

    [Fact]
    public void The_Concatenate_stage_folds_by_feeding_the_input_its_columns_in_order_unless_the_input_already_concatenates()
    {
        var stage = Concatenate("v", "c", "a", "b");
        var mapped = new ScoreOnnxOptions { InputColumns = { ["features"] = "v" } };
        var concatenated = new ScoreOnnxOptions { ConcatenatedInputs = { ["features"] = ["x"] } };

        Assert.True(stage.TryFoldInto(mapped, "features"));
        Assert.False(stage.TryFoldInto(concatenated, "features"));

        Assert.Empty(mapped.InputColumns);
        Assert.Equal(["c", "a", "b"], mapped.ConcatenatedInputs["features"]);
        Assert.Equal(["x"], concatenated.ConcatenatedInputs["features"]);
    }

    private static ConcatenateBlockTransform Concatenate(string output, params string[] inputs) => new(output, inputs);
}
