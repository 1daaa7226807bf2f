using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MlNetBatch.Pipeline.Stages.Tabular;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Pipeline.Tabular;

/// <summary>
/// Each tabular block stage against the stock ML.NET transform it mirrors, fitted on the same training rows and
/// applied to other rows (with unseen categories and missing values), over random data: the same values, row for row.
/// </summary>
public class StockEqualityTests
{
    public static TheoryData<int, int> Seeds => new() { { 1, 7 }, { 2, 64 }, { 3, 1000 }, { 4, 33 }, { 5, 8192 } };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MapValueToKey_gives_the_stock_keys_for_text_and_numbers(int seed, int chunkRows)
    {
        using var dir = new TempDirectory();
        var (ml, train, test) = Data(dir, seed, chunkRows);
        foreach (var column in new[] { "cat", "num", "dbl", "cnt" })
        {
            var stock = ml.Transforms.Conversion.MapValueToKey("k", column).Fit(train).Transform(test);
            var block = ml.Transforms.Conversion.MapValueToKeyBlocks("k", column).Fit(train).Transform(test);

            Assert.Equal(stock.Schema["k"].Type, block.Schema["k"].Type);
            Assert.Equal(DataViewReader.Column<uint>(stock, "k"), DataViewReader.Column<uint>(block, "k"));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MapValueToKey_with_a_given_vocabulary_gives_the_stock_keys(int seed, int chunkRows)
    {
        using var dir = new TempDirectory();
        var (ml, train, test) = Data(dir, seed, chunkRows);
        string[] terms = ["card", "cash", "voucher", "现金", " padded "];
        var keyData = ml.Data.LoadFromEnumerable(terms.Select(t => new Term { Value = t }));

        var stock = ml.Transforms.Conversion.MapValueToKey("k", "cat", keyData: keyData).Fit(train).Transform(test);
        var block = ml.Transforms.Conversion.MapValueToKeyBlocks("k", "cat", terms).Fit(train).Transform(test);

        Assert.Equal(stock.Schema["k"].Type, block.Schema["k"].Type);
        Assert.Equal(DataViewReader.Column<uint>(stock, "k"), DataViewReader.Column<uint>(block, "k"));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void OneHotEncoding_gives_the_stock_indicator_vectors(int seed, int chunkRows)
    {
        using var dir = new TempDirectory();
        var (ml, train, test) = Data(dir, seed, chunkRows);
        foreach (var column in new[] { "cat", "num" })
        {
            var stock = ml.Transforms.Categorical.OneHotEncoding("v", column).Fit(train).Transform(test);
            var block = ml.Transforms.Categorical.OneHotEncodingBlocks("v", column).Fit(train).Transform(test);

            Assert.Equal(stock.Schema["v"].Type, block.Schema["v"].Type);
            Assert.Equal(DataViewReader.Vectors(stock, "v"), DataViewReader.Vectors(block, "v"));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Hashing_gives_the_stock_keys_for_any_bits_and_seed(int seed, int chunkRows)
    {
        using var dir = new TempDirectory();
        var (ml, _, test) = Data(dir, seed, chunkRows);
        var random = new Random(seed);
        foreach (var column in new[] { "cat", "num", "dbl" })
        {
            var bits = random.Next(1, 32);
            var hashSeed = (uint)random.Next();
            var stock = ml.Transforms.Conversion.Hash("h", column, bits).Fit(test).Transform(test);
            var stockSeeded = ml.Transforms.Conversion.Hash(new HashingEstimator.ColumnOptions("h", column, bits, hashSeed)).Fit(test).Transform(test);
            var block = ml.Transforms.Conversion.HashBlocks("h", column, bits).Fit(test).Transform(test);
            var blockSeeded = ml.Transforms.Conversion.HashBlocks("h", column, bits, hashSeed).Fit(test).Transform(test);

            Assert.Equal(stock.Schema["h"].Type, block.Schema["h"].Type);
            Assert.Equal(DataViewReader.Column<uint>(stock, "h"), DataViewReader.Column<uint>(block, "h"));
            Assert.Equal(DataViewReader.Column<uint>(stockSeeded, "h"), DataViewReader.Column<uint>(blockSeeded, "h"));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ReplaceMissingValues_gives_the_stock_values_for_the_mean_and_the_default(int seed, int chunkRows)
    {
        using var dir = new TempDirectory();
        var (ml, train, test) = Data(dir, seed, chunkRows);
        foreach (var column in new[] { "num", "dbl" })
        {
            foreach (var (stockMode, mode) in new[]
            {
                (MissingValueReplacingEstimator.ReplacementMode.Mean, MissingValueReplacement.Mean),
                (MissingValueReplacingEstimator.ReplacementMode.DefaultValue, MissingValueReplacement.DefaultValue),
            })
            {
                var stock = ml.Transforms.ReplaceMissingValues("r", column, stockMode).Fit(train).Transform(test);
                var block = ml.Transforms.ReplaceMissingValuesBlocks("r", column, mode).Fit(train).Transform(test);

                Assert.Equal(stock.Schema["r"].Type, block.Schema["r"].Type);
                Assert.Equal(Doubles(stock, "r"), Doubles(block, "r"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ReplaceMissingValues_with_a_constant_replaces_exactly_the_NaNs(int seed, int chunkRows)
    {
        using var dir = new TempDirectory();
        var (ml, train, test) = Data(dir, seed, chunkRows);

        var block = ml.Transforms.ReplaceMissingValuesBlocks("r", "dbl", MissingValueReplacement.Constant, -1.5).Fit(train).Transform(test);

        var input = DataViewReader.Column<double>(test, "dbl");
        Assert.Contains(input, double.IsNaN);
        Assert.Equal(input.Select(v => double.IsNaN(v) ? -1.5 : v), DataViewReader.Column<double>(block, "r"));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Filter_keeps_the_rows_stock_FilterRowsByColumn_keeps(int seed, int chunkRows)
    {
        using var dir = new TempDirectory();
        var (ml, _, test) = Data(dir, seed, chunkRows);
        var random = new Random(seed);
        foreach (var column in new[] { "num", "dbl" })
        {
            var lower = random.Next(-4, 2);
            var upper = lower + random.Next(1, 6);
            var stock = ml.Data.FilterRowsByColumn(test, column, lower, upper);
            var block = ml.Transforms.FilterRowsByColumnBlocks(column, lower, upper).Fit(test).Transform(test);

            var kept = DataViewReader.Column<long>(stock, "id");
            Assert.NotEmpty(kept);
            Assert.True(kept.Count < DataViewReader.Column<long>(test, "id").Count);
            Assert.Equal(kept, DataViewReader.Column<long>(block, "id"));
            // The rows' other columns moved with them.
            Assert.Equal(DataViewReader.Text(stock, "cat"), DataViewReader.Text(block, "cat"));
            // Consolidated parallel cursors see the same rows in the same order.
            Assert.Equal(kept, DataViewReader.Column<long>(ml.Data.Cache(block), "id"));
        }
    }

    private static (MLContext Ml, IDataView Train, IDataView Test) Data(TempDirectory dir, int seed, int chunkRows)
    {
        CategoricalData.Write(dir.Combine("train.csv"), 600, seed, unseen: false);
        CategoricalData.Write(dir.Combine("test.csv"), 900, seed, unseen: true);
        var ml = new MLContext(seed);
        return (ml, CategoricalData.Load(ml, dir.Combine("train.csv"), chunkRows), CategoricalData.Load(ml, dir.Combine("test.csv"), chunkRows));
    }

    private static List<double> Doubles(IDataView view, string column) =>
        view.Schema[column].Type == NumberDataViewType.Single
            ? DataViewReader.Column<float>(view, column).Select(v => (double)v).ToList()
            : DataViewReader.Column<double>(view, column);

    private sealed class Term
    {
        public string Value { get; set; } = string.Empty;
    }
}
