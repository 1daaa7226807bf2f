using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring;

/// <summary>
/// The sequential cursors (a partition read, scored and written on the consumer's thread) when a consumer stops
/// early, disposes twice, or reads a broken file: what they release, and what they report.
/// </summary>
public class SequentialCursorLifetimeTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_consumer_that_stops_early_closes_every_input_stream(bool scored)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        for (var f = 0; f < 3; f++)
        {
            await TabularData.WriteParquetAsync(dir.Combine("in", $"part-{f}.parquet"), f * 600, 600, 100, seed: f + 1);
        }

        var store = new StreamTrackingStore(new LocalObjectStore());
        var source = _ml.Data.LoadFrom(dir.Combine("in", "*.parquet"), DataFormatKind.Parquet, new DataSourceOptions { ChunkRows = 40 }, new ObjectStoreResolver([store]));
        IDataView view = source.ReadingOnConsumerThread();
        if (scored)
        {
            var scorer = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions
            {
                ModelPath = TestModels.Tabular(dir),
                BatchSize = 32,
                ConcatenatedInputs = { ["features"] = TabularData.FeatureColumns.ToList() },
            }).Fit(source);
            view = scorer.Transform(view, badRecords: null, sequential: true);
        }

        var openedBefore = store.Opened;
        // ML.NET's TakeRows: the consumer stops in the middle of the first partition's second chunk.
        var ids = DataViewReader.Column<long>(_ml.Data.TakeRows(view, 57), "id");

        Assert.Equal(Enumerable.Range(0, 57).Select(i => (long)i), ids);
        Assert.True(store.Opened > openedBefore, "the cursor opened no stream");
        Assert.Equal(store.Opened, store.Closed);
    }

    [Fact]
    public async Task A_sequential_scored_cursor_disposed_twice_does_not_hand_its_slot_to_two_cursors()
    {
        using var dir = new TempDirectory();
        var (path, _) = await BlockPathTests.WriteCsvAsync(dir, rows: 200);
        var source = _ml.Data.LoadFromCsv(path, new DataSourceOptions { ChunkRows = 50 });
        var scored = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions
        {
            ModelPath = TestModels.Tabular(dir),
            BatchSize = 16,
            ConcatenatedInputs = { ["features"] = Enumerable.Range(0, 16).Select(i => $"f{i:D2}").ToList() },
        }).Fit(source).Transform(source.ReadingOnConsumerThread(), badRecords: null, sequential: true);

        var first = scored.GetRowCursor(scored.Schema);
        Assert.True(first.MoveNext());
        first.Dispose();
        // IDisposable: a second call must be ignored.
        var secondDispose = Record.Exception(first.Dispose);

        using var a = scored.GetRowCursor(scored.Schema);
        using var b = scored.GetRowCursor(scored.Schema);
        var idOfA = a.GetGetter<long>(scored.Schema["id"]);
        var idOfB = b.GetGetter<long>(scored.Schema["id"]);
        long id = -1;
        for (var i = 0; i <= 40; i++)
        {
            Assert.True(a.MoveNext());
        }

        idOfA(ref id);
        Assert.Equal(40, id);
        Assert.True(b.MoveNext());
        idOfB(ref id);
        Assert.Equal(0, id);

        // b filled its slot with rows 0..15; a still stands on row 40 of its own slot.
        idOfA(ref id);
        Assert.Equal(40, id);
        Assert.Null(secondDispose);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_partitioned_cursor_disposed_twice_ignores_the_second_call(bool sequential)
    {
        using var dir = new TempDirectory();
        var (path, _) = await BlockPathTests.WriteCsvAsync(dir, rows: 120);
        var source = _ml.Data.LoadFromCsv(path, new DataSourceOptions { ChunkRows = 50 });

        var cursor = (sequential ? source.ReadingOnConsumerThread() : source).GetRowCursor(source.Schema);
        Assert.True(cursor.MoveNext());
        cursor.Dispose();

        Assert.Null(Record.Exception(cursor.Dispose));
    }

    [Fact]
    public async Task A_corrupt_file_read_sequentially_fails_with_the_same_error_as_the_pipelined_read()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 100, 50, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 100, 100, 50, seed: 2);
        // The footer stays readable (so planning succeeds); the pages of b.parquet are garbage.
        var bytes = await File.ReadAllBytesAsync(dir.Combine("in", "b.parquet"));
        Array.Fill(bytes, (byte)0xFF, 4, bytes.Length / 2);
        await File.WriteAllBytesAsync(dir.Combine("in", "b.parquet"), bytes);
        var source = _ml.Data.LoadFromParquet(dir.Combine("in", "*.parquet"));

        var pipelined = Record.Exception(() => DataViewReader.Column<long>(source, "id"));
        var sequential = Record.Exception(() => DataViewReader.Column<long>(source.ReadingOnConsumerThread(), "id"));

        Assert.NotNull(pipelined);
        Assert.NotNull(sequential);
        Assert.IsType<DataFormatException>(sequential);
        Assert.Contains("b.parquet", sequential.Message);
        Assert.Equal(pipelined.GetType(), sequential.GetType());
        Assert.Equal(pipelined.Message, sequential.Message);
        // One line, though Arrow's own message joins its layers with line breaks.
        Assert.DoesNotContain('\n', sequential.Message);
    }

    /// <summary>Counts the read streams a store opens and the ones closed again.</summary>
    private sealed class StreamTrackingStore(IObjectStore inner) : ForwardingObjectStore(inner)
    {
        private int _opened;
        private int _closed;

        public int Opened => Volatile.Read(ref _opened);

        public int Closed => Volatile.Read(ref _closed);

        public override async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default)
        {
            var stream = await Inner.OpenReadAsync(location, expected, cancellationToken);
            Interlocked.Increment(ref _opened);
            return new Tracked(stream, this);
        }

        private sealed class Tracked(Stream inner, StreamTrackingStore owner) : ForwardingReadStream(inner)
        {
            private int _disposed;

            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Inner.ReadAsync(buffer, cancellationToken);

            protected override void Dispose(bool disposing)
            {
                if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Increment(ref owner._closed);
                }

                base.Dispose(disposing);
            }
        }
    }
}
