using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring;

/// <summary>
/// Over MlNetBatch's own sources the scorer and the sinks move whole column blocks instead of calling getters;
/// these tests pin that the bulk path gives exactly what the row-by-row path gives.
/// </summary>
public class BlockPathTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1000)]
    public async Task Scoring_a_partitioned_source_in_blocks_matches_raw_onnx_runtime_and_keeps_pass_through_text(int batchSize)
    {
        using var dir = new TempDirectory();
        var (path, features) = await WriteCsvAsync(dir, rows: 333);
        var expected = RawOnnx.RunTabular(TestModels.Tabular(dir), features, 333, out var labels);
        var source = _ml.Data.LoadFromCsv(path, new DataSourceOptions { PartitionBytes = 4096, ChunkRows = 50 });
        var options = new ScoreOnnxOptions
        {
            ModelPath = TestModels.Tabular(dir),
            BatchSize = batchSize,
            ConcatenatedInputs = { ["features"] = Enumerable.Range(0, 16).Select(i => $"f{i:D2}").ToList() },
        };

        var scored = _ml.Transforms.ScoreOnnx(options).Fit(source).Transform(source);
        using var cursor = scored.GetRowCursor(scored.Schema);
        Assert.IsAssignableFrom<BlockRowCursor>(cursor);

        var written = dir.Combine("out.parquet");
        await DataViewWriter.WriteAsync(scored, ObjectLocation.Local(written), DataFormatKind.Parquet, ["id", "name", "probabilities", "label"], blockRows: 100);
        var output = _ml.Data.LoadFromParquet(written);
        var ids = DataViewReader.Column<long>(output, "id");
        Assert.Equal(Enumerable.Range(0, 333).Select(i => (long)i), ids);
        Assert.Equal(ids.Select(i => $"row {i}, \"quoted\""), DataViewReader.Text(output, "name"));
        var probabilities = DataViewReader.Vectors(output, "probabilities");
        for (var i = 0; i < 333; i++)
        {
            Assert.Equal(expected[2 * i], probabilities[i][0], 5);
            Assert.Equal(expected[(2 * i) + 1], probabilities[i][1], 5);
        }

        Assert.Equal(labels, DataViewReader.Vectors<long>(output, "label").Select(v => Assert.Single(v)));
    }

    [Fact]
    public async Task Taking_blocks_and_moving_row_by_row_can_be_mixed()
    {
        using var dir = new TempDirectory();
        var (path, _) = await WriteCsvAsync(dir, rows: 120);
        var source = _ml.Data.LoadFromCsv(path, new DataSourceOptions { ChunkRows = 50 });
        using var cursor = (BlockRowCursor)source.GetRowCursor(source.Schema);
        var id = cursor.GetGetter<long>(source.Schema["id"]);
        long value = 0;

        Assert.True(cursor.MoveNext());
        id(ref value);
        Assert.Equal(0, value);
        Assert.True(cursor.TryTakeBlock(out var first, out var start, out var count));
        Assert.Equal((1, 49), (start, count));
        Assert.Equal(49, first.Column<MlNetBatch.Data.Columns.ScalarColumnBuffer<long>>(source.Schema["id"].Index).Values[start + 48]);
        Assert.Equal(49, cursor.Position);
        Assert.True(cursor.MoveNext());
        id(ref value);
        Assert.Equal(50, value);
        Assert.True(cursor.TryTakeBlock(out _, out start, out count));
        Assert.Equal((1, 49), (start, count));
        Assert.True(cursor.TryTakeBlock(out _, out start, out count));
        Assert.Equal((0, 20), (start, count));
        Assert.False(cursor.TryTakeBlock(out _, out _, out _));
        Assert.False(cursor.MoveNext());
    }

    internal static async Task<(string Path, float[] Features)> WriteCsvAsync(TempDirectory dir, int rows)
    {
        var random = new Random(11);
        var features = new float[rows * 16];
        var text = new System.Text.StringBuilder("id,name," + string.Join(",", Enumerable.Range(0, 16).Select(i => $"f{i:D2}")) + "\n");
        for (var r = 0; r < rows; r++)
        {
            text.Append(r).Append(",\"row ").Append(r).Append(", \"\"quoted\"\"\"");
            for (var f = 0; f < 16; f++)
            {
                var value = (float)Math.Round((random.NextDouble() * 4) - 2, 3);
                features[(r * 16) + f] = value;
                text.Append(',').Append(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        var path = dir.Combine("rows.csv");
        await File.WriteAllTextAsync(path, text.ToString());
        return (path, features);
    }
}
