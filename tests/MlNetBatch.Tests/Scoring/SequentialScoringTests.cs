using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring;

/// <summary>
/// A job running a partition per core reads, scores and writes each partition on one thread (sequential cursors)
/// instead of overlapping the stages: these tests pin that both ways give exactly the same rows.
/// </summary>
public class SequentialScoringTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData(7, 1024)]
    [InlineData(64, 4096)]
    [InlineData(1000, 1_000_000)]
    public async Task Sequential_and_pipelined_scoring_write_the_same_rows(int batchSize, int partitionBytes)
    {
        using var dir = new TempDirectory();
        var (path, features) = await BlockPathTests.WriteCsvAsync(dir, rows: 333);
        var expected = RawOnnx.RunTabular(TestModels.Tabular(dir), features, 333, out var labels);
        var source = (PartitionedDataView)_ml.Data.LoadFromCsv(path, new DataSourceOptions { PartitionBytes = partitionBytes, ChunkRows = 50 });
        var scorer = Fit(dir, source, batchSize);

        var written = new Dictionary<bool, string>();
        foreach (var sequential in new[] { false, true })
        {
            var input = sequential ? source.ReadingOnConsumerThread() : source;
            var scored = scorer.Transform(input, badRecords: null, sequential);
            using (var cursor = scored.GetRowCursor(scored.Schema))
            {
                Assert.IsType(sequential ? typeof(SequentialScoredRowCursor) : typeof(PipelinedScoredRowCursor), cursor);
            }

            written[sequential] = dir.Combine($"out-{sequential}.parquet");
            await DataViewWriter.WriteAsync(scored, ObjectLocation.Local(written[sequential]), DataFormatKind.Parquet, ["id", "name", "probabilities", "label"], blockRows: 100);
        }

        var pipelined = _ml.Data.LoadFromParquet(written[false]);
        var output = _ml.Data.LoadFromParquet(written[true]);
        var ids = DataViewReader.Column<long>(output, "id");
        Assert.Equal(Enumerable.Range(0, 333).Select(i => (long)i), ids);
        Assert.Equal(ids.Select(i => $"row {i}, \"quoted\""), DataViewReader.Text(output, "name"));
        Assert.Equal(labels, DataViewReader.Vectors<long>(output, "label").Select(v => Assert.Single(v)));
        var probabilities = DataViewReader.Vectors(output, "probabilities");
        for (var i = 0; i < 333; i++)
        {
            Assert.Equal(expected[2 * i], probabilities[i][0], 5);
            Assert.Equal(expected[(2 * i) + 1], probabilities[i][1], 5);
        }

        Assert.Equal(DataViewReader.Vectors(pipelined, "probabilities"), probabilities);
        Assert.Equal(DataViewReader.Text(pipelined, "name"), DataViewReader.Text(output, "name"));
    }

    [Fact]
    public async Task Sequential_cursors_in_a_set_serve_every_row_once_through_stock_transforms()
    {
        using var dir = new TempDirectory();
        var (path, features) = await BlockPathTests.WriteCsvAsync(dir, rows: 500);
        var expected = RawOnnx.RunTabular(TestModels.Tabular(dir), features, 500, out _);
        var source = (PartitionedDataView)_ml.Data.LoadFromCsv(path, new DataSourceOptions { PartitionBytes = 2048, ChunkRows = 30 });
        var scored = Fit(dir, source, batchSize: 64).Transform(source.ReadingOnConsumerThread(), badRecords: null, sequential: true);
        // The row path: ML.NET's own transforms over a cursor set, consolidated by a cache.
        var copied = _ml.Transforms.CopyColumns("p", "probabilities").Append(_ml.Transforms.CopyColumns("n", "name")).Fit(scored).Transform(scored);
        var cached = _ml.Data.Cache(copied, "id", "p", "n");

        var rows = DataViewReader.Column<long>(cached, "id").Zip(DataViewReader.Vectors(cached, "p"), DataViewReader.Text(cached, "n")).ToList();
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), rows.Select(r => r.First).Order());
        foreach (var (id, p, name) in rows)
        {
            Assert.Equal(expected[2 * id], p[0], 5);
            Assert.Equal(expected[(2 * id) + 1], p[1], 5);
            Assert.Equal($"row {id}, \"quoted\"", name);
        }

        using var cursors = new CursorSet(scored.GetRowCursorSet(scored.Schema, 3));
        Assert.True(cursors.Items.Length > 1);
        Assert.All(cursors.Items, c => Assert.IsType<SequentialScoredRowCursor>(c));
    }

    private ScoreOnnxTransformer Fit(TempDirectory dir, IDataView source, int batchSize) =>
        _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions
        {
            ModelPath = TestModels.Tabular(dir),
            BatchSize = batchSize,
            ConcatenatedInputs = { ["features"] = Enumerable.Range(0, 16).Select(i => $"f{i:D2}").ToList() },
        }).Fit(source);

    private sealed class CursorSet(DataViewRowCursor[] items) : IDisposable
    {
        public DataViewRowCursor[] Items => items;

        public void Dispose()
        {
            foreach (var cursor in items)
            {
                cursor.Dispose();
            }
        }
    }
}
