using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Sinks;
using MlNetBatch.Sinks.Parquet;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;
using ParquetSharp;
using Encoding = ParquetSharp.Encoding;
using static MlNetBatch.Tests.Sinks.ParquetWriterTests;

namespace MlNetBatch.Tests.Sinks;

/// <summary>How Parquet output is laid out for downstream readers: row-group sizes, codecs, encodings.</summary>
public class ParquetWriterLayoutTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData(300)]
    [InlineData(16384)]
    public async Task Row_groups_hold_RowGroupRows_rows_whether_they_span_blocks_or_split_them(int blockRows)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("rows.parquet");
        var rows = Rows(10_007);

        await DataViewWriter.WriteAsync(
            _ml.Data.LoadFromEnumerable(rows), ObjectLocation.Local(path), DataFormatKind.Parquet, ["Id", "Name"], blockRows: blockRows,
            parquet: new ParquetSinkOptions { RowGroupRows = 1000 });

        Assert.Equal([.. Enumerable.Repeat(1000L, 10), 7], RowGroupSizes(path));
        using var file = new ParquetFileReader(path);
        Assert.Equal(rows.Select(r => r.Id), ReadArrow<long>(file, 0));
        Assert.Equal(rows.Select(r => r.Name), ReadArrow<string>(file, 1));
    }

    [Fact]
    public async Task Row_groups_of_fixed_size_rows_end_where_RowGroupBytes_is_reached()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("bytes.parquet");

        // 8 + 4 + 8 bytes a row: 20 000 bytes hold exactly 1000 rows.
        await DataViewWriter.WriteAsync(
            _ml.Data.LoadFromEnumerable(Rows(4500)), ObjectLocation.Local(path), DataFormatKind.Parquet, ["Id", "Score", "Weight"], blockRows: 768,
            parquet: new ParquetSinkOptions { RowGroupBytes = 20_000 });

        Assert.Equal([1000, 1000, 1000, 1000, 500], RowGroupSizes(path));
    }

    [Fact]
    public async Task Row_groups_of_text_end_at_the_last_row_that_fits_RowGroupBytes()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("text.parquet");
        var rows = Rows(6000);
        const int Limit = 100_000;

        await DataViewWriter.WriteAsync(
            _ml.Data.LoadFromEnumerable(rows), ObjectLocation.Local(path), DataFormatKind.Parquet, ["Label", "Name"], blockRows: 1000,
            parquet: new ParquetSinkOptions { RowGroupBytes = Limit });

        // Each row counts 4 bytes of label and its name's UTF-8 bytes; a group takes rows while they fit.
        var expected = new List<long>();
        long groupRows = 0, groupBytes = 0;
        foreach (var size in rows.Select(r => 4L + System.Text.Encoding.UTF8.GetByteCount(r.Name)))
        {
            if (groupRows > 0 && groupBytes + size > Limit)
            {
                expected.Add(groupRows);
                (groupRows, groupBytes) = (0, 0);
            }

            groupRows++;
            groupBytes += size;
        }

        expected.Add(groupRows);
        Assert.True(expected.Count > 3);
        Assert.Equal(expected, RowGroupSizes(path));
        using var file = new ParquetFileReader(path);
        Assert.Equal(rows.Select(r => r.Name), ReadArrow<string>(file, 1));
    }

    [Fact]
    public async Task Each_row_group_reaches_the_stream_when_it_is_complete_not_at_the_end()
    {
        var data = _ml.Data.LoadFromEnumerable(Rows(1000));
        var columns = DataViewWriter.SelectColumns(data.Schema, ["Id", "Score", "Name"]);
        var batch = new RecordBatchPool(data.Schema, data.Schema.Select(c => c.Name is "Id" or "Score" or "Name").ToArray(), 1000).Rent();
        using (var cursor = data.GetRowCursor(data.Schema))
        {
            var copiers = columns.Select(c => batch.Columns[c.SourceIndex]!.CreateCopier(cursor, data.Schema[c.SourceIndex])).ToArray();
            while (cursor.MoveNext())
            {
                foreach (var copy in copiers)
                {
                    copy(batch.RowCount);
                }

                batch.RowCount++;
            }
        }

        using var stream = new MemoryStream();
        await using var writer = new ParquetBatchWriter(stream, columns, new ParquetSinkOptions { RowGroupRows = 2500 });
        var lengths = new List<long>();
        for (var b = 0; b < 5; b++)
        {
            await writer.WriteAsync(batch, CancellationToken.None);
            lengths.Add(stream.Length);
        }

        await writer.CompleteAsync(CancellationToken.None);

        // Only the magic number until 2500 rows are in; then the first group (rows 0–2499) is out, and memory is free.
        Assert.Equal(4, lengths[0]);
        Assert.Equal(4, lengths[1]);
        Assert.True(lengths[2] > 10_000, string.Join(", ", lengths));
        Assert.Equal(lengths[2], lengths[3]);
        Assert.True(lengths[4] > lengths[3]);
        stream.Position = 0;
        using var file = new ParquetFileReader(new ParquetSharp.IO.ManagedRandomAccessFile(stream, leaveOpen: true));
        Assert.Equal(2, file.FileMetaData.NumRowGroups);
        Assert.Equal(5000, file.FileMetaData.NumRows);
    }

    [Theory]
    [InlineData(ParquetCompression.Uncompressed, Compression.Uncompressed)]
    [InlineData(ParquetCompression.Snappy, Compression.Snappy)]
    [InlineData(ParquetCompression.Zstd, Compression.Zstd)]
    [InlineData(ParquetCompression.Gzip, Compression.Gzip)]
    [InlineData(ParquetCompression.Lz4, Compression.Lz4)]
    [InlineData(ParquetCompression.Brotli, Compression.Brotli)]
    public async Task Every_column_chunk_is_stored_with_the_configured_codec(ParquetCompression setting, Compression inFooter)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("codec.parquet");
        var rows = Rows(3000);

        _ml.Data.SaveAsParquet(_ml.Data.LoadFromEnumerable(rows), path, new ParquetSinkOptions { Compression = setting, RowGroupRows = 2000 });

        using var file = new ParquetFileReader(path);
        Assert.Equal(2, file.FileMetaData.NumRowGroups);
        for (var g = 0; g < 2; g++)
        {
            using var rowGroup = file.RowGroup(g);
            for (var c = 0; c < file.FileMetaData.NumColumns; c++)
            {
                Assert.Equal(inFooter, rowGroup.MetaData.GetColumnChunkMetaData(c).Compression);
            }
        }

        Assert.Equal(rows.Select(r => r.Probabilities), ReadArrow<float[]>(file, 4));
        Assert.Equal(rows.Select(r => r.Name), ReadArrow<string>(file, 8));
    }

    [Fact]
    public async Task Snappy_is_the_default_and_a_zstd_level_compresses_further()
    {
        using var dir = new TempDirectory();
        var rows = Rows(20_000);
        var data = _ml.Data.LoadFromEnumerable(rows);

        _ml.Data.SaveAsParquet(data, dir.Combine("default.parquet"), "Id", "Name");
        _ml.Data.SaveAsParquet(data, dir.Combine("zstd-1.parquet"), new ParquetSinkOptions { Compression = ParquetCompression.Zstd, CompressionLevel = 1 }, "Id", "Name");
        _ml.Data.SaveAsParquet(data, dir.Combine("zstd-19.parquet"), new ParquetSinkOptions { Compression = ParquetCompression.Zstd, CompressionLevel = 19 }, "Id", "Name");

        using (var file = new ParquetFileReader(dir.Combine("default.parquet")))
        using (var rowGroup = file.RowGroup(0))
        {
            Assert.Equal(Compression.Snappy, rowGroup.MetaData.GetColumnChunkMetaData(1).Compression);
        }

        Assert.True(new FileInfo(dir.Combine("zstd-19.parquet")).Length < new FileInfo(dir.Combine("zstd-1.parquet")).Length);
        Assert.Equal(rows.Select(r => r.Name), DataViewReader.Text(_ml.Data.LoadFromParquet(dir.Combine("zstd-19.parquet")), "Name"));
    }

    [Fact]
    public async Task Text_is_dictionary_encoded_while_scores_and_vectors_are_plain_and_integers_delta_encoded()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("encodings.parquet");
        var random = new Random(3);
        var rows = Enumerable.Range(0, 50_000).Select(i => new Row
        {
            Id = 1_000_000 + i,
            Label = random.Next(2),
            Score = random.NextSingle(),
            Weight = random.NextDouble(),
            Probabilities = [random.NextSingle(), random.NextSingle(), random.NextSingle()],
            Name = (i % 4) switch { 0 => "cat", 1 => "dog", 2 => "bird", _ => "fish" },
        }).ToList();

        await DataViewWriter.WriteAsync(_ml.Data.LoadFromEnumerable(rows), ObjectLocation.Local(path), DataFormatKind.Parquet);

        using var file = new ParquetFileReader(path);
        using var rowGroup = file.RowGroup(0);
        Encoding[] Encodings(int column) => rowGroup.MetaData.GetColumnChunkMetaData(column).Encodings;
        var dictionary = new[] { Encoding.PlainDictionary, Encoding.RleDictionary };
        Assert.Contains(Encodings(8), dictionary.Contains);
        // Four names, each stored once: the column chunk is a few bytes a row.
        Assert.True(rowGroup.MetaData.GetColumnChunkMetaData(8).TotalCompressedSize < rows.Count / 2);
        foreach (var column in new[] { 2, 3, 4, 5 })
        {
            Assert.DoesNotContain(Encodings(column), dictionary.Contains);
            Assert.Contains(Encoding.Plain, Encodings(column));
        }

        foreach (var column in new[] { 0, 1 })
        {
            Assert.DoesNotContain(Encodings(column), dictionary.Contains);
            Assert.Contains(Encoding.DeltaBinaryPacked, Encodings(column));
        }

        Assert.Equal(rows.Select(r => r.Name), ReadArrow<string>(file, 8));
        Assert.Equal(rows.Select(r => r.Name), await ParquetNetColumns.TextAsync(path, "Name"));
        Assert.Equal(rows.Select(r => r.Name), DataViewReader.Text(_ml.Data.LoadFromParquet(path), "Name"));
    }

    private static List<long> RowGroupSizes(string path)
    {
        using var file = new ParquetFileReader(path);
        return Enumerable.Range(0, file.FileMetaData.NumRowGroups).Select(g =>
        {
            using var rowGroup = file.RowGroup(g);
            return rowGroup.MetaData.NumRows;
        }).ToList();
    }
}
