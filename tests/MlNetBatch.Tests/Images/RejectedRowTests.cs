using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Pipeline;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Images;

/// <summary>
/// Rows a block stage rejects (undecodable images) leave the block and go to the source's bad-record sink, on the pooled
/// and the inline path, in order or not; the rows that stay keep their values and the row ids they had.
/// </summary>
public class RejectedRowTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task Rejected_rows_go_to_the_sink_and_the_others_keep_their_values_and_ids(bool inline, bool preserveOrder)
    {
        using var dir = new TempDirectory();
        var paths = ImageFolders.WriteScenes(dir.Path, 23, width: 5, height: 4);
        var bad = new[] { 0, 4, 5, 6, 13, 22 }.Select(i => paths[i]).ToHashSet();
        foreach (var path in bad)
        {
            File.WriteAllBytes(path, [1, 2, 3]);
        }

        var sink = new Sink();
        var options = new DataSourceOptions { Format = DataFormatKind.Images, FilesPerPartition = 7, ChunkRows = 3 };
        var source = await PartitionedDataSource.OpenAsync(dir.Path, options);
        var ids = IdsByPath(source.AsDataView());
        var ml = new MLContext(seed: 1);
        var images = source.WithBadRecords(sink).AsDataView();

        var decoded = ml.Transforms.DecodeImage(options: new BlockStageOptions { Inline = inline, PreserveOrder = preserveOrder, WorkerThreads = 2 })
            .Fit(images).Transform(images);

        var rows = ReadAll(decoded);
        Assert.Equal(paths.Where(p => !bad.Contains(p)).Order(StringComparer.Ordinal), rows.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(ids[r.Path], r.Id));
        Assert.All(rows, r => Assert.Equal(5 * 4 * 4, r.Pixels));
        if (preserveOrder)
        {
            Assert.Equal(rows.Select(r => r.Path).Order(StringComparer.Ordinal), rows.Select(r => r.Path));
        }

        Assert.Equal(bad.Order(StringComparer.Ordinal), sink.Records.Select(r => r.File).Order(StringComparer.Ordinal));
        Assert.All(sink.Records, r => Assert.Equal(ids[r.File].Low, (ulong)r.Row));
        Assert.All(sink.Records, r => Assert.Equal("bytes", r.Column));
    }

    private static Dictionary<string, DataViewRowId> IdsByPath(IDataView view)
    {
        using var cursor = view.GetRowCursor([view.Schema["path"]]);
        var path = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["path"]);
        var id = cursor.GetIdGetter();
        var ids = new Dictionary<string, DataViewRowId>();
        ReadOnlyMemory<char> name = default;
        DataViewRowId value = default;
        while (cursor.MoveNext())
        {
            path(ref name);
            id(ref value);
            ids.Add(name.ToString(), value);
        }

        return ids;
    }

    private static List<(string Path, DataViewRowId Id, int Pixels)> ReadAll(IDataView view)
    {
        var columns = new[] { view.Schema["path"], view.Schema["image"] };
        using var cursor = view.GetRowCursor(columns);
        var path = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
        var image = cursor.GetGetter<VBuffer<byte>>(columns[1]);
        var id = cursor.GetIdGetter();
        var rows = new List<(string, DataViewRowId, int)>();
        ReadOnlyMemory<char> name = default;
        VBuffer<byte> pixels = default;
        DataViewRowId value = default;
        while (cursor.MoveNext())
        {
            path(ref name);
            image(ref pixels);
            id(ref value);
            rows.Add((name.ToString(), value, pixels.Length));
        }

        return rows;
    }

    private sealed class Sink : IBadRecordSink
    {
        private readonly List<BadRecord> _records = [];

        public List<BadRecord> Records
        {
            get
            {
                lock (_records)
                {
                    return [.. _records];
                }
            }
        }

        public void Report(BadRecord record)
        {
            lock (_records)
            {
                _records.Add(record);
            }
        }
    }
}
