using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Tests.Support;
using ParquetSharp;

namespace MlNetBatch.Tests.Data;

/// <summary>
/// Files written by Apache Arrow's C++ Parquet writer (the one behind pyarrow and pandas), in the layouts real data
/// arrives in, read back value for value and checked against Parquet.Net, which shares no code with Arrow.
/// </summary>
public class ArrowWrittenParquetTests
{
    private const int Rows = 5_000;
    private readonly MLContext _ml = new(seed: 1);

    public static TheoryData<Compression, ParquetDataPageVersion, bool> Layouts()
    {
        var layouts = new TheoryData<Compression, ParquetDataPageVersion, bool>();
        foreach (var compression in new[] { Compression.Uncompressed, Compression.Snappy, Compression.Zstd, Compression.Gzip, Compression.Lz4, Compression.Brotli })
        {
            foreach (var version in new[] { ParquetDataPageVersion.V1, ParquetDataPageVersion.V2 })
            {
                foreach (var dictionary in new[] { false, true })
                {
                    layouts.Add(compression, version, dictionary);
                }
            }
        }

        return layouts;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Every_value_and_null_reads_back_whatever_the_codec_page_version_and_dictionary(
        Compression compression, ParquetDataPageVersion version, bool dictionary)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("arrow.parquet");
        var data = ArrowTable.Create(Rows, seed: 7);
        // Small pages: every column chunk holds many pages, so page boundaries are crossed many times.
        data.Write(path, compression, version, dictionary, pageSize: 4_096, rowGroupSize: 2_000);

        var view = _ml.Data.LoadFromParquet(path);

        Assert.Equal(data.Ids, DataViewReader.Column<long>(view, "id"));
        Assert.Equal(data.Counts, DataViewReader.Column<int>(view, "count"));
        Assert.Equal(data.Scores, DataViewReader.Column<double>(view, "score"));
        // Nulls in optional float columns become NaN, ML.NET's missing value.
        Assert.Equal(data.Features.Select(f => f ?? float.NaN), DataViewReader.Column<float>(view, "feature"));
        Assert.Equal(data.Required, DataViewReader.Column<float>(view, "required"));
    }

    [Theory]
    [InlineData(ParquetDataPageVersion.V1)]
    [InlineData(ParquetDataPageVersion.V2)]
    public async Task Plain_snappy_pages_read_equal_to_what_Parquet_Net_reads(ParquetDataPageVersion version)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("plain.parquet");
        var data = ArrowTable.Create(Rows, seed: 11);
        data.Write(path, Compression.Snappy, version, dictionary: false, pageSize: 4_096, rowGroupSize: Rows);

        var view = _ml.Data.LoadFromParquet(path);

        // Parquet.Net shares no code with Arrow: a second, independent reading of the same bytes.
        Assert.Equal(await ReadWithParquetNetAsync<float>(path, "feature", float.NaN), DataViewReader.Column<float>(view, "feature"));
        Assert.Equal(await ReadWithParquetNetAsync<long>(path, "id", 0), DataViewReader.Column<long>(view, "id"));
    }

    [Fact]
    public async Task Dictionary_encoded_and_zstd_chunks_read_equal_to_what_Parquet_Net_reads()
    {
        using var dir = new TempDirectory();
        var dictionaryPath = dir.Combine("dictionary.parquet");
        var zstdPath = dir.Combine("zstd.parquet");
        var data = ArrowTable.Create(Rows, seed: 3);
        data.Write(dictionaryPath, Compression.Snappy, ParquetDataPageVersion.V1, dictionary: true, pageSize: 4_096, rowGroupSize: Rows);
        data.Write(zstdPath, Compression.Zstd, ParquetDataPageVersion.V1, dictionary: false, pageSize: 4_096, rowGroupSize: Rows);

        foreach (var path in new[] { dictionaryPath, zstdPath })
        {
            var view = _ml.Data.LoadFromParquet(path);

            Assert.Equal(await ReadWithParquetNetAsync<int>(path, "count", 0), DataViewReader.Column<int>(view, "count"));
            Assert.Equal(await ReadWithParquetNetAsync<double>(path, "score", 0), DataViewReader.Column<double>(view, "score"));
        }
    }

    [Fact]
    public async Task A_corrupt_page_is_reported_as_a_format_error_naming_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("corrupt.parquet");
        ArrowTable.Create(Rows, seed: 5).Write(path, Compression.Snappy, ParquetDataPageVersion.V1, dictionary: false, pageSize: 1 << 20, rowGroupSize: Rows);
        // Overwrite the middle of the first column's data; the footer at the end stays intact.
        var bytes = await File.ReadAllBytesAsync(path);
        Array.Fill<byte>(bytes, 0xFF, 200, 2_000);
        await File.WriteAllBytesAsync(path, bytes);

        var view = _ml.Data.LoadFromParquet(path);
        var error = Assert.ThrowsAny<Exception>(() => DataViewReader.Column<long>(view, "id"));

        // However deep in the pipeline it surfaces, the cause names the file, the row group and the column.
        var format = Assert.IsType<DataFormatException>(Unwrap(error));
        Assert.Contains("corrupt.parquet", format.Message);
        Assert.Contains("row group 0 is corrupt", format.Message);
        Assert.Contains("'id'", format.Message);
    }

    [Fact]
    public async Task A_footer_whose_value_count_disagrees_with_its_row_count_is_a_format_error()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("miscounted.parquet");
        await ParquetFiles.WriteAsync(path, Rows, new ParquetFiles.Column(new global::Parquet.Schema.DataField<float>("x"), new float[Rows]));
        // The Thrift footer holds 5000 (an i64 field after its neighbour, header 0x16, zigzag varint 0x90 0x4E) three
        // times: the file's num_rows, then the column's num_values, then the row group's num_rows. Make the second 4999.
        var bytes = await File.ReadAllBytesAsync(path);
        var footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        var footerStart = bytes.Length - 8 - footerLength;
        byte[] fiveThousand = [0x16, 0x90, 0x4E];
        var first = bytes.AsSpan(footerStart, footerLength).IndexOf(fiveThousand);
        var second = first < 0 ? -1 : bytes.AsSpan(footerStart + first + 3, footerLength - first - 3).IndexOf(fiveThousand);
        Assert.True(second >= 0, "the footer layout changed; find num_values another way");
        bytes[footerStart + first + 3 + second + 1] = 0x8E;
        await File.WriteAllBytesAsync(path, bytes);

        var view = _ml.Data.LoadFromParquet(path);
        var error = Assert.ThrowsAny<Exception>(() => DataViewReader.Column<float>(view, "x"));

        var format = Assert.IsType<DataFormatException>(Unwrap(error));
        Assert.Contains("miscounted.parquet", format.Message);
        Assert.Contains("4999 values where its row group has 5000 rows", format.Message);
    }

    /// <summary>A column as Parquet.Net reads it, nulls replaced by <paramref name="missing"/>.</summary>
    private static async Task<List<T>> ReadWithParquetNetAsync<T>(string path, string column, T missing)
        where T : struct
    {
        await using var reader = await global::Parquet.ParquetReader.CreateAsync(path);
        var field = reader.Schema.DataFields.Single(f => f.Name == column);
        var values = new List<T>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            if (field.IsNullable)
            {
                var nullable = new T?[rowGroup.RowCount];
                await rowGroup.ReadAsync<T>(field, nullable, null, default);
                values.AddRange(nullable.Select(value => value ?? missing));
            }
            else
            {
                var required = new T[rowGroup.RowCount];
                await rowGroup.ReadAsync<T>(field, required, null, default);
                values.AddRange(required);
            }
        }

        return values;
    }

    private static Exception Unwrap(Exception error)
    {
        while (error is not DataFormatException && error.InnerException is not null)
        {
            error = error.InnerException;
        }

        return error;
    }

    /// <summary>A table of the column kinds features come in, with nulls in the optional float column.</summary>
    private sealed record ArrowTable(long[] Ids, int[] Counts, double[] Scores, float?[] Features, float[] Required)
    {
        public static ArrowTable Create(int rows, int seed)
        {
            var random = new Random(seed);
            return new ArrowTable(
                Enumerable.Range(0, rows).Select(i => (long)i * 3).ToArray(),
                // Few distinct values: the dictionary encoder keeps its dictionary for these.
                Enumerable.Range(0, rows).Select(_ => random.Next(10)).ToArray(),
                Enumerable.Range(0, rows).Select(_ => random.NextDouble()).ToArray(),
                Enumerable.Range(0, rows).Select(i => i % 7 == 3 ? (float?)null : (float)random.NextDouble()).ToArray(),
                Enumerable.Range(0, rows).Select(_ => (float)random.NextDouble()).ToArray());
        }

        public void Write(string path, Compression compression, ParquetDataPageVersion version, bool dictionary, long pageSize, int rowGroupSize)
        {
            var columns = new Column[]
            {
                new Column<long>("id"), new Column<int>("count"), new Column<double>("score"), new Column<float?>("feature"), new Column<float>("required"),
            };
            var builder = new WriterPropertiesBuilder().Compression(compression).DataPageVersion(version).DataPagesize(pageSize);
            using var properties = (dictionary ? builder.EnableDictionary() : builder.DisableDictionary()).Build();
            using var file = new ParquetFileWriter(path, columns, properties);
            for (var start = 0; start < Ids.Length; start += rowGroupSize)
            {
                var count = Math.Min(rowGroupSize, Ids.Length - start);
                using var rowGroup = file.AppendRowGroup();
                WriteColumn(rowGroup, Ids, start, count);
                WriteColumn(rowGroup, Counts, start, count);
                WriteColumn(rowGroup, Scores, start, count);
                WriteColumn(rowGroup, Features, start, count);
                WriteColumn(rowGroup, Required, start, count);
            }

            file.Close();
        }

        private static void WriteColumn<T>(RowGroupWriter rowGroup, T[] values, int start, int count)
        {
            using var writer = rowGroup.NextColumn().LogicalWriter<T>();
            writer.WriteBatch(values.AsSpan(start, count));
        }
    }
}
