using Microsoft.ML;
using MlNetBatch.Scoring.Functions;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Functions;

public class ScoreBatchModelTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(64, 5)]
    public void ScoreBatchModel_in_code_keeps_every_row_in_order_with_its_outputs_and_the_call_limit(int batchSize, int maxConcurrency)
    {
        var ml = new MLContext();
        var rows = Enumerable.Range(0, 301).Select(i => new Row { id = i, f00 = i * 0.5f, f01 = 1000 - i }).ToList();
        var model = new SumModel { Delay = TimeSpan.FromMilliseconds(2) };

        var scored = ml.Transforms.ScoreBatchModel(model, new BatchModelOptions { BatchSize = batchSize, MaxConcurrency = maxConcurrency })
            .Transform(ml.Data.LoadFromEnumerable(rows));

        Assert.Equal(rows.Select(r => r.id), DataViewReader.Column<long>(scored, "id"));
        Assert.Equal(rows.Select(r => r.f00 + r.f01), DataViewReader.Column<float>(scored, "total"));
        Assert.Equal(rows.Select(r => r.f00 - r.f01), DataViewReader.Column<float>(scored, "difference"));
        Assert.InRange(model.MostAtOnce, 1, maxConcurrency);
        Assert.Equal(3 * ((301 + batchSize - 1) / batchSize), model.Calls);
    }

    [Fact]
    public void ScoreBatchModel_refuses_options_that_cannot_work()
    {
        var error = Assert.Throws<ArgumentException>(() => new MLContext().Transforms.ScoreBatchModel(new SumModel(), new BatchModelOptions { BatchSize = 0 }));

        Assert.StartsWith("Batch model 'SumModel': BatchSize must be greater than zero (got 0).", error.Message);
    }

    private sealed class Row
    {
        public long id { get; set; }

        public float f00 { get; set; }

        public float f01 { get; set; }
    }
}
