using MlNetBatch.Jobs;
using MlNetBatch.Scoring;

namespace MlNetBatch.Tests.Jobs;

public class ConcatenateFusionTests
{
    private static readonly string[] ModelInputs = ["features"];

    [Fact]
    public void A_Concatenate_that_only_feeds_the_model_is_folded_into_its_input()
    {
        var steps = new List<PreprocessStep> { Concatenate("features", "a", "b") };

        var (remaining, model, fused) = ConcatenateFusion.Apply(steps, new ScoreOnnxOptions(), ModelInputs, []);

        Assert.Empty(remaining);
        Assert.Equal(["features"], fused);
        Assert.Equal(["a", "b"], model.ConcatenatedInputs["features"]);
    }

    [Fact]
    public void A_mapped_column_is_folded_into_the_input_that_reads_it()
    {
        var options = new ScoreOnnxOptions { InputColumns = { ["features"] = "Vector" } };

        var (remaining, model, _) = ConcatenateFusion.Apply([Concatenate("Vector", "a")], options, ModelInputs, []);

        Assert.Empty(remaining);
        Assert.False(model.InputColumns.ContainsKey("features"));
        Assert.Equal(["a"], model.ConcatenatedInputs["features"]);
    }

    [Fact]
    public void Nothing_is_folded_when_the_column_is_written_read_later_or_its_inputs_change()
    {
        var written = ConcatenateFusion.Apply([Concatenate("features", "a")], new ScoreOnnxOptions(), ModelInputs, ["features"]);
        var readLater = ConcatenateFusion.Apply(
            [Concatenate("features", "a"), new PreprocessStep { Transform = "CopyColumns", OutputColumn = "copy", InputColumns = ["features"] }],
            new ScoreOnnxOptions(), ModelInputs, []);
        var inputRewritten = ConcatenateFusion.Apply(
            [Concatenate("features", "a"), new PreprocessStep { Transform = "NormalizeMinMax", OutputColumn = "a", InputColumns = ["a"] }],
            new ScoreOnnxOptions(), ModelInputs, []);
        var notAModelInput = ConcatenateFusion.Apply([Concatenate("other", "a")], new ScoreOnnxOptions(), ModelInputs, []);

        Assert.All(new[] { written, readLater, inputRewritten, notAModelInput }, result => Assert.Empty(result.FusedInputs));
    }

    private static PreprocessStep Concatenate(string output, params string[] inputs) =>
        new() { Transform = "Concatenate", OutputColumn = output, InputColumns = inputs.ToList() };
}
