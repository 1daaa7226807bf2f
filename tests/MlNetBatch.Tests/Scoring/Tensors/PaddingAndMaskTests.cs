using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Tensors;

public class PaddingAndMaskTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void Token_rows_are_padded_to_the_longest_in_their_batch_and_the_mask_marks_real_tokens()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Tokens(dir);
        var lengths = new[] { 3, 1, 5, 2, 2, 1, 7, 4, 0 };
        var rows = lengths.Select((n, r) => Enumerable.Range(1, n).Select(k => (long)((r * 100) + k)).ToArray()).ToArray();
        var data = TensorRows.Load<long>(_ml, rows, null);

        // Batches in input order (no sorting by length): the padding each batch gets is what this test pins.
        var transformer = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, BatchSize = 4, LengthBucketBatches = 1, InputColumns = { ["ids"] = "X" } }).Fit(data);
        var scored = transformer.Transform(data);

        Assert.Equal(TensorLayout.Padded, transformer.Model.Inputs.Single(i => i.Name == "ids").Layout);
        Assert.Equal("ids", transformer.Model.Inputs.Single(i => i.Name == "attention_mask").MaskOf);
        // An output of the padded length varies from batch to batch: a vector of variable length.
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int64), scored.Schema["masked"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int64, 1), scored.Schema["length"].Type);
        // The mask's sum is each row's own length, whatever its batch was padded to.
        Assert.Equal(lengths.Select(n => (long)n), DataViewReader.Vectors<long>(scored, "length").Select(v => Assert.Single(v)));
        // Batches of 4: rows 0-3 padded to 5, rows 4-7 to 7, row 8 alone to 0.
        var padded = new[] { 5, 5, 5, 5, 7, 7, 7, 7, 0 };
        var masked = DataViewReader.Vectors<long>(scored, "masked");
        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r].Concat(new long[padded[r] - rows[r].Length]), masked[r]);
        }
    }

    [Fact]
    public void A_mask_input_without_a_padded_input_is_refused()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Tokens(dir);
        var data = TensorRows.Load(_ml, [new long[] { 1, 2 }], new VectorDataViewType(NumberDataViewType.Int64, 2));

        var error = Assert.Throws<OnnxModelException>(() => _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, InputColumns = { ["ids"] = "X" } }).Fit(data));

        Assert.Contains("input 'attention_mask' [batch,sequence] has no column in the data", error.Message);
    }
}
