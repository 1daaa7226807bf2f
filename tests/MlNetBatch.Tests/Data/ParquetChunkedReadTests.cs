using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Formats.Parquet;
using MlNetBatch.Formats.Parquet.Reading;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;
using ParquetSharp;

namespace MlNetBatch.Tests.Data;

/// <summary>Native memory is measured process-wide, so these tests run alone.</summary>
[CollectionDefinition(nameof(ParquetMemoryCollection), DisableParallelization = true)]
public sealed class ParquetMemoryCollection;

/// <summary>
/// Row groups are read a chunk of rows at a time, so memory follows the chunk, not the row group; values a column's
/// type cannot hold set their rows aside; a failing store stays a storage failure.
/// </summary>
[Collection(nameof(ParquetMemoryCollection))]
public class ParquetChunkedReadTests
{
    private const int ChunkRows = 1_000;
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task A_row_group_two_hundred_chunks_long_is_read_a_chunk_at_a_time_in_bounded_memory()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("one-big-row-group.parquet");
        const int Rows = 200 * ChunkRows;
        var ids = Enumerable.Range(0, Rows).Select(i => (long)i * 7).ToArray();
        var features = Enumerable.Range(0, 4).Select(f => Enumerable.Range(0, Rows).Select(i => (float)Math.Sin(i + f)).ToArray()).ToArray();
        ArrowParquetFile.Write(path, Rows,
            [ArrowParquetFile.Of("id", ids), .. features.Select((values, f) => ArrowParquetFile.Of($"f{f}", values))],
            b => b.Compression(Compression.Uncompressed).DisableDictionary().DataPagesize(32 << 10));
        const int RowGroupBytes = Rows * (8 + (4 * 4));
        var store = new CountingObjectStore(new LocalObjectStore());
        // The counting store's stream is not a local file, so it is read as an object store's, in segments.
        var format = new ParquetFormat(new ChunkReadPolicy(BufferBytes: 64 << 10, RemoteSegmentBytes: 64 << 10));
        var columns = new List<SourceColumn> { new("id", NumberDataViewType.Int64) };
        columns.AddRange(Enumerable.Range(0, 4).Select(f => new SourceColumn($"f{f}", NumberDataViewType.Single)));
        var pool = MemoryPool.GetDefaultMemoryPool();
        var before = pool.BytesAllocated;
        long peak = 0;

        var batches = await ParquetFormatReads.ReadAsync(path, columns, new DataSourceOptions { ChunkRows = ChunkRows }, format: format, store: store,
            onBatch: _ => peak = Math.Max(peak, pool.BytesAllocated - before));

        Assert.Equal(200, batches.Count);
        Assert.All(batches, b => Assert.Equal(ChunkRows, b.RowCount));
        Assert.Equal(ids, batches.SelectMany(b => b.Column<ScalarColumnBuffer<long>>(0).Values.Take(b.RowCount)));
        Assert.Equal(features[3], batches.SelectMany(b => b.Column<ScalarColumnBuffer<float>>(4).Values.Take(b.RowCount)));
        // The store was asked for a segment at a time, never for a column chunk (800 KB for id).
        Assert.InRange(store.LargestRead, 1, 64 << 10);
        // Arrow's own memory held a few buffers and pages per column, not the 4.8 MB row group.
        Assert.InRange(peak, 0, RowGroupBytes / 4);
    }

    [Fact]
    public void A_null_in_an_integer_column_sets_its_row_aside_and_in_strict_mode_names_file_column_and_row()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("counts.parquet");
        var counts = Enumerable.Range(0, 5_000).Select(i => i % 997 == 10 ? (int?)null : i).ToArray();
        var scores = Enumerable.Range(0, 5_000).Select(i => i / 2f).ToArray();
        ArrowParquetFile.Write(path, 5_000, [ArrowParquetFile.Of("count", counts), ArrowParquetFile.Of("score", scores)], b => b.EnableDictionary().DataPagesize(1_024));
        var sink = new CollectingBadRecordSink();

        var view = _ml.Data.LoadFromParquet(path, new DataSourceOptions { ChunkRows = ChunkRows });
        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<int>(view, "count"));
        var kept = view.Source.WithBadRecords(sink).AsDataView();
        var keptRows = DataViewReader.Columns<int, float>(kept, "count", "score");

        Assert.Contains("counts.parquet", error.Message);
        Assert.Equal("count", error.Column);
        Assert.Equal(10, error.Row);
        Assert.Contains("null value in a Int32 column", error.Message);
        var bad = Enumerable.Range(0, 5_000).Where(i => counts[i] is null).ToList();
        Assert.Equal([10, 1007, 2004, 3001, 3998, 4995], bad);
        Assert.Equal(bad.Select(i => (long)i), sink.Records.Select(r => r.Row));
        Assert.All(sink.Records, r => Assert.Contains("null value", r.Reason));
        Assert.Equal(Enumerable.Range(0, 5_000).Where(i => counts[i] is not null).Select(i => (counts[i]!.Value, scores[i])), keptRows);
    }

    [Fact]
    public void A_connection_dropped_mid_read_stays_a_storage_failure_and_is_not_taken_for_a_corrupt_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("flaky.parquet");
        ArrowParquetFile.Write(path, 10_000, [ArrowParquetFile.Of("x", Enumerable.Range(0, 10_000).Select(i => (double)i).ToArray())]);
        // Inference and planning open the file twice; the third stream, the partition's, breaks after the footer.
        var store = new FaultInjectingObjectStore(new LocalObjectStore(), failEveryRequest: int.MaxValue, failEveryStream: 3);
        var view = _ml.Data.LoadFrom(path, DataFormatKind.Parquet, null, new ObjectStoreResolver([store]));

        var error = Assert.ThrowsAny<Exception>(() => DataViewReader.Column<double>(view, "x"));

        Assert.Equal(1, store.InjectedFaults);
        Assert.IsType<IOException>(error);
        Assert.Contains("injected: connection dropped mid-read", error.Message);
    }
}
