using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Pipeline;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Pipeline;

public class ConcatenateBlockPathTests
{
    [Theory]
    [InlineData(1, 3, 100, 7)]
    [InlineData(2, 2, 333, 64)]
    [InlineData(3, 4, 50, 1000)]
    public async Task Block_Concatenate_equals_stock_Concatenate_over_partitions_and_chunks(int seed, int files, int rowGroupRows, int chunkRows)
    {
        using var dir = new TempDirectory();
        var random = new Random(seed);
        long first = 0;
        for (var f = 0; f < files; f++)
        {
            var rows = random.Next(1, 900);
            await TabularData.WriteParquetAsync(dir.Combine($"part-{f}.parquet"), first, rows, rowGroupRows, seed: seed * 10 + f);
            first += rows;
        }

        var ml = new MLContext(seed);
        var source = ml.Data.LoadFromParquet(dir.Combine("*.parquet"), new DataSourceOptions { ChunkRows = chunkRows });
        // A random selection and order of the features, some repeated.
        var inputs = Enumerable.Range(0, random.Next(1, 24)).Select(_ => TabularData.FeatureColumns[random.Next(16)]).ToArray();

        var stock = ml.Transforms.Concatenate("features", inputs).Fit(source).Transform(source);
        var block = ml.Transforms.ConcatenateBlocks("features", inputs).Fit(source).Transform(source);

        Assert.Equal(stock.Schema["features"].Type, block.Schema["features"].Type);
        Assert.Equal(Rows(stock), Rows(block));
        // Parallel cursors, consolidated by ML.NET, give the same rows in the same order.
        Assert.Equal(Rows(stock), Rows(ml.Data.Cache(block)));
    }

    [Fact]
    public void Block_Concatenate_of_scalars_and_vectors_over_a_row_cursor_equals_stock()
    {
        var ml = new MLContext(1);
        var random = new Random(2);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20_000).Select(i => new Row
        {
            id = i,
            a = random.NextSingle(),
            v = [random.NextSingle(), random.NextSingle(), float.NaN],
            b = -random.NextSingle(),
        }).ToList());
        string[] inputs = ["v", "a", "b", "v"];

        var stock = ml.Transforms.Concatenate("features", inputs).Fit(data).Transform(data);
        var block = ml.Transforms.ConcatenateBlocks("features", inputs).Fit(data).Transform(data);

        Assert.Equal(Rows(stock), Rows(block));
    }

    [Fact]
    public void Text_columns_are_left_to_the_stock_transform_and_mixed_types_are_refused()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable([new TextRow { t = "a", n = 1, d = 2 }]);

        Assert.Throws<BlockPathNotSupportedException>(() => ml.Transforms.ConcatenateBlocks("c", "t").Fit(data));
        var mixed = Assert.Throws<BlockTransformException>(() => ml.Transforms.ConcatenateBlocks("c", "n", "d").Fit(data));
        Assert.Equal("Concatenate into 'c': column 'd' holds Double, but the columns before it hold Single; convert it first (ConvertType).", mixed.Message);
    }

    private static List<(long Id, string Features)> Rows(IDataView view)
    {
        var rows = new List<(long, string)>();
        using var cursor = view.GetRowCursor([view.Schema["id"], view.Schema["features"]]);
        var id = cursor.GetGetter<long>(view.Schema["id"]);
        var features = cursor.GetGetter<VBuffer<float>>(view.Schema["features"]);
        long i = 0;
        VBuffer<float> vector = default;
        while (cursor.MoveNext())
        {
            id(ref i);
            features(ref vector);
            // Exact bit patterns: the block path must give the same values, NaN included.
            rows.Add((i, string.Join(",", vector.DenseValues().Select(BitConverter.SingleToInt32Bits))));
        }

        return rows;
    }

#pragma warning disable SA1300, IDE1006 // ML.NET reads these by name.
    private sealed class Row
    {
        public long id { get; set; }

        public float a { get; set; }

        [VectorType(3)]
        public float[] v { get; set; } = [];

        public float b { get; set; }
    }

    private sealed class TextRow
    {
        public string t { get; set; } = string.Empty;

        public float n { get; set; }

        public double d { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}
