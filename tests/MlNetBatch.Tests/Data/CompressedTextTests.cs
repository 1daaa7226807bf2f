using System.IO.Compression;
using System.Text;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

public class CompressedTextTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData("a.csv.gz")]
    [InlineData("a.csv.zst")]
    [InlineData("a.jsonl.gz")]
    [InlineData("a.jsonl.zstd")]
    public async Task Compressed_text_reads_as_one_partition_equal_to_the_plain_file(string name)
    {
        using var dir = new TempDirectory();
        var csv = name.Contains(".csv", StringComparison.Ordinal);
        var text = Text(csv, rows: 20_000);
        await File.WriteAllTextAsync(dir.Combine(csv ? "plain.csv" : "plain.jsonl"), text);
        await File.WriteAllBytesAsync(dir.Combine(name), Compress(name, Encoding.UTF8.GetBytes(text)));
        // Tiny partitions: a plain file is cut into many, a compressed one cannot be.
        var options = new DataSourceOptions { PartitionBytes = 1024, ChunkRows = 333 };

        var compressed = await PartitionedDataSource.OpenAsync(dir.Combine(name), options);
        var plain = await PartitionedDataSource.OpenAsync(dir.Combine(csv ? "plain.csv" : "plain.jsonl"), options);

        Assert.Single(await compressed.GetPartitionsAsync());
        Assert.True((await plain.GetPartitionsAsync()).Count > 10);
        Assert.Equal(plain.Columns.Select(c => c.ToString()), compressed.Columns.Select(c => c.ToString()));
        Assert.Equal(DataViewReader.Column<long>(plain.AsDataView(), "id"), DataViewReader.Column<long>(compressed.AsDataView(), "id"));
        Assert.Equal(DataViewReader.Text(plain.AsDataView(), "note"), DataViewReader.Text(compressed.AsDataView(), "note"));
        Assert.Equal(20_000, DataViewReader.Column<float>(compressed.AsDataView(), "x").Count);
    }

    [Fact]
    public async Task A_gzip_file_of_several_members_reads_every_member()
    {
        using var dir = new TempDirectory();
        var first = Compress(".gz", Encoding.UTF8.GetBytes("id,x,note\n1,0.5,a\n"));
        var second = Compress(".gz", Encoding.UTF8.GetBytes("2,0.25,b\n"));
        await File.WriteAllBytesAsync(dir.Combine("a.csv.gz"), [.. first, .. second]);

        var view = _ml.Data.LoadFromCsv(dir.Combine("a.csv.gz"));

        Assert.Equal([1L, 2L], DataViewReader.Column<long>(view, "id"));
    }

    [Theory]
    [InlineData("cut.csv.gz", 2)]
    [InlineData("cut.csv.gz", 4)]
    [InlineData("cut.jsonl.gz", 2)]
    [InlineData("cut.csv.zst", 2)]
    [InlineData("cut.jsonl.zst", 4)]
    public async Task A_truncated_or_corrupt_compressed_file_is_a_format_error_naming_the_file_never_a_short_read(string name, int keepEighths)
    {
        // Cut anywhere (here at the half, or just before the gzip trailer's last bytes): the rows before the cut
        // must not come out as if they were the whole file.
        using var dir = new TempDirectory();
        var csv = name.Contains(".csv", StringComparison.Ordinal);
        var bytes = Compress(name, Encoding.UTF8.GetBytes(Text(csv, rows: 5000)));
        var cut = keepEighths == 4 ? bytes.Length - 3 : bytes.Length * keepEighths / 8;
        await File.WriteAllBytesAsync(dir.Combine(name), bytes[..cut]);
        var options = new DataSourceOptions { Columns = new() { ["id"] = "long", ["x"] = "float", ["note"] = "string" } };
        var view = csv ? _ml.Data.LoadFromCsv(dir.Combine(name), options) : _ml.Data.LoadFromJsonLines(dir.Combine(name), options);

        var error = Assert.ThrowsAny<Exception>(() => DataViewReader.Column<long>(view, "id"));

        var format = FindFormatError(error);
        Assert.Contains(name, format.Message);
        Assert.Contains("data is corrupt or truncated", format.Message);
    }

    private static DataFormatException FindFormatError(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DataFormatException format)
            {
                return format;
            }
        }

        throw new Xunit.Sdk.XunitException($"no DataFormatException in {e}");
    }

    private static string Text(bool csv, int rows)
    {
        var text = new StringBuilder(csv ? "id,x,note\n" : string.Empty);
        for (var i = 0; i < rows; i++)
        {
            var note = i % 7 == 0 ? "line\nbreak, \"quoted\"" : $"n{i}";
            text.Append(csv
                ? $"{i},{i * 0.5f},\"{note.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n"
                : $"{{\"id\":{i},\"x\":{i * 0.5f},\"note\":{System.Text.Json.JsonSerializer.Serialize(note)}}}\n");
        }

        return text.ToString();
    }

    private static byte[] Compress(string name, byte[] data)
    {
        using var output = new MemoryStream();
        using (Stream codec = name.EndsWith(".gz", StringComparison.Ordinal)
            ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)
            : new ZstdSharp.CompressionStream(output, leaveOpen: true))
        {
            codec.Write(data);
        }

        return output.ToArray();
    }
}
