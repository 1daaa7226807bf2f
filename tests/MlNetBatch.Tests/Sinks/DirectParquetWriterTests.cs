using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;
using Parquet;
using ParquetSharp;

namespace MlNetBatch.Tests.Sinks;

/// <summary>
/// MlNetBatch's own Parquet encoder, checked against two independent readers: Apache Arrow's C++ reader (through
/// ParquetSharp) and Parquet.Net.
/// </summary>
public class DirectParquetWriterTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task Every_column_type_it_encodes_reads_back_value_for_value_in_Arrow_and_ParquetNet()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("out.parquet");
        var rows = Rows(10_007);

        // 1000-row groups: ten full ones and a final group of 7, which ends a delta block and a level byte part-way.
        var written = await DataViewWriter.WriteAsync(_ml.Data.LoadFromEnumerable(rows), ObjectLocation.Local(path), DataFormatKind.Parquet, blockRows: 1000);

        Assert.Equal(rows.Count, written);
        using (var file = new ParquetFileReader(path))
        {
            Assert.StartsWith("MlNetBatch", file.FileMetaData.CreatedBy);
            Assert.Equal(11, file.FileMetaData.NumRowGroups);
            Assert.Equal(rows.Select(r => r.Id), ReadArrow<long>(file, 0));
            Assert.Equal(rows.Select(r => r.Label), ReadArrow<int>(file, 1));
            Assert.Equal(rows.Select(r => BitConverter.SingleToInt32Bits(r.Score)), ReadArrow<float>(file, 2).Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(rows.Select(r => r.Weight), ReadArrow<double>(file, 3));
            Assert.Equal(rows.Select(r => r.Probabilities), ReadArrow<float[]>(file, 4));
            Assert.Equal(rows.Select(r => r.Doubles), ReadArrow<double[]>(file, 5));
            Assert.Equal(rows.Select(r => r.Ints), ReadArrow<int[]>(file, 6));
            Assert.Equal(rows.Select(r => r.Longs), ReadArrow<long[]>(file, 7));
            Assert.Equal(rows.Select(r => r.Name), ReadArrow<string>(file, 8));
        }

        var back = _ml.Data.LoadFromParquet(path);
        Assert.Equal(rows.Select(r => r.Id), DataViewReader.Column<long>(back, "Id"));
        Assert.Equal(rows.Select(r => r.Label), DataViewReader.Column<int>(back, "Label"));
        Assert.Equal(rows.Select(r => r.Weight), DataViewReader.Column<double>(back, "Weight"));
        Assert.Equal(rows.Select(r => r.Probabilities), DataViewReader.Vectors(back, "Probabilities"));
        Assert.Equal(rows.Select(r => r.Longs), DataViewReader.Vectors<long>(back, "Longs"));
        Assert.Equal(rows.Select(r => r.Name), DataViewReader.Text(back, "Name"));
    }

    [Fact]
    public async Task The_schema_is_the_one_ParquetNet_writes_for_the_same_columns()
    {
        using var dir = new TempDirectory();
        var data = _ml.Data.LoadFromEnumerable(Rows(10));
        var direct = dir.Combine("direct.parquet");
        var reference = dir.Combine("reference.parquet");
        await DataViewWriter.WriteAsync(data, ObjectLocation.Local(direct), DataFormatKind.Parquet);
        var columns = DataViewWriter.SelectColumns(data.Schema, null);
        await using (var stream = File.Create(reference))
        {
            await using var writer = new ParquetBatchWriter(stream, columns);
            await writer.CompleteAsync(CancellationToken.None);
        }

        await using var directReader = await ParquetReader.CreateAsync(direct);
        await using var referenceReader = await ParquetReader.CreateAsync(reference);
        Assert.Equal(referenceReader.Schema, directReader.Schema);
        using var directArrow = new ParquetFileReader(direct);
        using var referenceArrow = new ParquetFileReader(reference);
        Assert.Equal(referenceArrow.FileMetaData.NumColumns, directArrow.FileMetaData.NumColumns);
        for (var c = 0; c < columns.Count; c++)
        {
            var expected = referenceArrow.FileMetaData.Schema.Column(c);
            var actual = directArrow.FileMetaData.Schema.Column(c);
            Assert.Equal(expected.Path.ToDotString(), actual.Path.ToDotString());
            Assert.Equal(expected.PhysicalType, actual.PhysicalType);
            Assert.Equal(expected.LogicalType, actual.LogicalType);
            Assert.Equal(expected.MaxDefinitionLevel, actual.MaxDefinitionLevel);
            Assert.Equal(expected.MaxRepetitionLevel, actual.MaxRepetitionLevel);
        }
    }

    [Fact]
    public async Task Each_row_group_records_its_range_and_a_range_with_NaN_is_left_out()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("stats.parquet");
        var rows = Enumerable.Range(0, 3000).Select(i => new Row { Id = 5000 - i, Score = i == 2500 ? float.NaN : i * 0.5f, Weight = i == 0 ? 0.0 : i }).ToList();

        await DataViewWriter.WriteAsync(_ml.Data.LoadFromEnumerable(rows), ObjectLocation.Local(path), DataFormatKind.Parquet, ["Id", "Score", "Weight"], blockRows: 1000);

        using var file = new ParquetFileReader(path);
        for (var g = 0; g < 3; g++)
        {
            using var rowGroup = file.RowGroup(g);
            var ids = (Statistics<long>)rowGroup.MetaData.GetColumnChunkMetaData(0).Statistics!;
            Assert.Equal(5000 - (1000 * g) - 999, ids.Min);
            Assert.Equal(5000 - (1000 * g), ids.Max);
            Assert.Equal(0, ids.NullCount);
            var scores = rowGroup.MetaData.GetColumnChunkMetaData(1).Statistics!;
            Assert.Equal(g != 2, scores.HasMinMax);
        }

        using (var first = file.RowGroup(0))
        {
            // A minimum of zero is written as -0 so that readers comparing against either zero keep the group.
            var weights = (Statistics<double>)first.MetaData.GetColumnChunkMetaData(2).Statistics!;
            Assert.True(double.IsNegative(weights.Min) && weights.Min == 0);
            Assert.Equal(999, weights.Max);
        }
    }

    [Fact]
    public async Task Pages_are_Snappy_compressed_only_when_that_makes_them_smaller()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("codec.parquet");
        var random = new Random(7);
        var rows = Enumerable.Range(0, 4000).Select(i => new Row { Score = random.NextSingle(), Name = "the same words again " + (i % 3) }).ToList();

        await DataViewWriter.WriteAsync(_ml.Data.LoadFromEnumerable(rows), ObjectLocation.Local(path), DataFormatKind.Parquet, ["Score", "Name"]);

        using var file = new ParquetFileReader(path);
        using var rowGroup = file.RowGroup(0);
        Assert.Equal(Compression.Uncompressed, rowGroup.MetaData.GetColumnChunkMetaData(0).Compression);
        Assert.Equal(Compression.Snappy, rowGroup.MetaData.GetColumnChunkMetaData(1).Compression);
        Assert.True(rowGroup.MetaData.GetColumnChunkMetaData(1).TotalCompressedSize < rows.Count * 4);
        Assert.Equal(rows.Select(r => r.Name), ReadArrow<string>(file, 1));
    }

    [Fact]
    public async Task Columns_it_does_not_encode_send_the_whole_file_to_ParquetNet()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("flags.parquet");
        var rows = Enumerable.Range(0, 100).Select(i => new FlagRow { Id = i, Flag = i % 3 == 0 }).ToList();

        await DataViewWriter.WriteAsync(_ml.Data.LoadFromEnumerable(rows), ObjectLocation.Local(path), DataFormatKind.Parquet);

        using var file = new ParquetFileReader(path);
        Assert.StartsWith("Parquet.Net", file.FileMetaData.CreatedBy);
        Assert.Equal(rows.Select(r => r.Flag), ReadArrow<bool>(file, 1));
    }

    [Fact]
    public async Task An_empty_file_written_by_ParquetNet_also_records_vector_lengths()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("empty-flags.parquet");

        await DataViewWriter.WriteAsync(_ml.Data.LoadFromEnumerable(Array.Empty<FlagRow>()), ObjectLocation.Local(path), DataFormatKind.Parquet);

        using (var file = new ParquetFileReader(path))
        {
            Assert.StartsWith("Parquet.Net", file.FileMetaData.CreatedBy);
        }

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), _ml.Data.LoadFromParquet(path).Schema["Scores"].Type);
    }

    [Fact]
    public async Task An_output_with_no_rows_is_a_complete_file_with_the_schema()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("empty.parquet");

        var written = await DataViewWriter.WriteAsync(_ml.Data.LoadFromEnumerable(Array.Empty<Row>()), ObjectLocation.Local(path), DataFormatKind.Parquet);

        Assert.Equal(0, written);
        using var file = new ParquetFileReader(path);
        Assert.Equal(0, file.FileMetaData.NumRows);
        Assert.Equal(0, file.FileMetaData.NumRowGroups);
        Assert.Equal(9, file.FileMetaData.NumColumns);
        await using var reader = await ParquetReader.CreateAsync(path);
        Assert.Equal(0, reader.RowGroupCount);
        Assert.Equal(9, reader.Schema.Fields.Count);

        // With no rows to measure, MlNetBatch's source still knows each vector's length from the file's metadata.
        var back = _ml.Data.LoadFromParquet(path);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), back.Schema["Probabilities"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int64, 2), back.Schema["Longs"].Type);
        Assert.Empty(DataViewReader.Column<long>(back, "Id"));
    }

    [Fact]
    public async Task After_a_write_fails_part_way_the_file_cannot_be_completed_with_a_footer_that_misplaces_pages()
    {
        var data = _ml.Data.LoadFromEnumerable(Rows(100));
        var columns = DataViewWriter.SelectColumns(data.Schema, ["Id", "Score"]);
        var batch = new RecordBatchPool(data.Schema, data.Schema.Select(c => c.Name is "Id" or "Score").ToArray(), 100).Rent();
        batch.RowCount = 100;
        // Room for the magic number and the first page header only: the first page body fails.
        await using var writer = DirectParquetBatchWriter.TryCreate(new FailingStream(failAfterBytes: 40), columns)!;

        await Assert.ThrowsAsync<IOException>(() => writer.WriteAsync(batch, CancellationToken.None));

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync(CancellationToken.None));
    }

    private static List<Row> Rows(int count)
    {
        var random = new Random(42);
        return Enumerable.Range(0, count).Select(i => new Row
        {
            // Neighbours at opposite ends of the range make every delta wrap around.
            Id = (i % 5) switch { 0 => long.MinValue, 1 => long.MaxValue, 2 => i, _ => random.NextInt64(long.MinValue, long.MaxValue) },
            Label = (i % 4) switch { 0 => int.MinValue, 1 => int.MaxValue, 2 => i % 2, _ => random.Next(int.MinValue, int.MaxValue) },
            Score = (i % 7) switch { 0 => float.NaN, 1 => -0f, 2 => float.PositiveInfinity, _ => random.NextSingle() - 0.5f },
            Weight = random.NextDouble() * 1e300,
            Probabilities = [random.NextSingle(), random.NextSingle(), i],
            Doubles = [i, -i * 0.5],
            Ints = [i, -i],
            Longs = [i * 1_000_000_000L, -i],
            Name = (i % 3) switch { 0 => string.Empty, 1 => $"row {i} — naïve ✓ 日本", _ => new string('x', i % 300) },
        }).ToList();
    }

    private static List<T> ReadArrow<T>(ParquetFileReader file, int column)
    {
        var values = new List<T>();
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var rowGroup = file.RowGroup(g);
            using var reader = rowGroup.Column(column).LogicalReader<T>();
            values.AddRange(reader.ReadAll(checked((int)rowGroup.MetaData.NumRows)));
        }

        return values;
    }

    private sealed class Row
    {
        public long Id { get; set; }

        public int Label { get; set; }

        public float Score { get; set; }

        public double Weight { get; set; }

        [VectorType(3)]
        public float[] Probabilities { get; set; } = [0, 0, 0];

        [VectorType(2)]
        public double[] Doubles { get; set; } = [0, 0];

        [VectorType(2)]
        public int[] Ints { get; set; } = [0, 0];

        [VectorType(2)]
        public long[] Longs { get; set; } = [0, 0];

        public string Name { get; set; } = string.Empty;
    }

    private sealed class FlagRow
    {
        public long Id { get; set; }

        public bool Flag { get; set; }

        [VectorType(4)]
        public float[] Scores { get; set; } = [0, 0, 0, 0];
    }

    private sealed class FailingStream(int failAfterBytes) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Length + buffer.Length > failAfterBytes)
            {
                throw new IOException("disk full");
            }

            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
