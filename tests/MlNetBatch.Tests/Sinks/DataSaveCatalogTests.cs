using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Sinks;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Sinks;

public class DataSaveCatalogTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData("Parquet", "rows.parquet")]
    [InlineData("Csv", "rows.csv")]
    [InlineData("JsonLines", "rows.jsonl")]
    public async Task Saving_to_a_stream_writes_the_bytes_a_file_gets_and_leaves_the_stream_open(string formatName, string name)
    {
        var format = new DataFormatKind(formatName);
        using var dir = new TempDirectory();
        var data = Rows();
        using var stream = new MemoryStream();

        var toStream = formatName switch
        {
            "Parquet" => _ml.Data.SaveAsParquet(data, stream, "id", "x"),
            "Csv" => _ml.Data.SaveAsCsv(data, stream, "id", "x"),
            _ => _ml.Data.SaveAsJsonLines(data, stream, "id", "x"),
        };
        var toFile = formatName switch
        {
            "Parquet" => await _ml.Data.SaveAsParquetAsync(data, dir.Combine(name), columns: ["id", "x"]),
            "Csv" => await _ml.Data.SaveAsCsvAsync(data, dir.Combine(name), ["id", "x"]),
            _ => await _ml.Data.SaveAsJsonLinesAsync(data, dir.Combine(name), ["id", "x"]),
        };

        Assert.True(stream.CanWrite);
        Assert.Equal(100, toStream);
        Assert.Equal(100, toFile);
        Assert.Equal(await File.ReadAllBytesAsync(dir.Combine(name)), stream.ToArray());
        var read = _ml.Data.LoadFrom(dir.Combine(name), format);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), DataViewReader.Column<long>(read, "id"));
    }

    [Fact]
    public async Task An_async_save_honours_cancellation()
    {
        using var stream = new MemoryStream();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _ml.Data.SaveAsParquetAsync(Rows(), stream, cancellationToken: cancelled.Token));
    }

    private IDataView Rows() => _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 100).Select(i => new Row { id = i, x = i / 4f }));

    private sealed class Row
    {
        public long id { get; set; }

        public float x { get; set; }
    }
}
