using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Sinks;
using MlNetBatch.Sinks.Parquet;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;
using Parquet;
using ParquetSharp;

namespace MlNetBatch.Tests.Sinks;

/// <summary>
/// Parquet output, written through Apache Arrow's C++ writer, checked against readers that share no code with it:
/// Parquet.Net, and MlNetBatch's own source; Arrow's reader besides.
/// </summary>
public class ParquetWriterTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task Every_numeric_and_text_column_reads_back_value_for_value_in_Arrow_ParquetNet_and_the_source()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("out.parquet");
        var rows = Rows(10_007);

        // 1000-row groups out of 16 384-row blocks: ten full ones and a final group of 7, split inside a block.
        var written = await DataViewWriter.WriteAsync(
            _ml.Data.LoadFromEnumerable(rows), ObjectLocation.Local(path), DataFormatKind.Parquet, parquet: new ParquetSinkOptions { RowGroupRows = 1000 });

        Assert.Equal(rows.Count, written);
        using (var file = new ParquetFileReader(path))
        {
            Assert.StartsWith("parquet-cpp-arrow", file.FileMetaData.CreatedBy);
            Assert.Equal(11, file.FileMetaData.NumRowGroups);
            Assert.Equal(rows.Select(r => r.Id), ReadArrow<long>(file, 0));
            Assert.Equal(rows.Select(r => r.Label), ReadArrow<int>(file, 1));
            Assert.Equal(rows.Select(r => BitConverter.SingleToInt32Bits(r.Score)), ReadArrow<float>(file, 2).Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(rows.Select(r => BitConverter.DoubleToInt64Bits(r.Weight)), ReadArrow<double>(file, 3).Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(rows.Select(r => r.Probabilities), ReadArrow<float[]>(file, 4));
            Assert.Equal(rows.Select(r => r.Doubles), ReadArrow<double[]>(file, 5));
            Assert.Equal(rows.Select(r => r.Ints), ReadArrow<int[]>(file, 6));
            Assert.Equal(rows.Select(r => r.Longs), ReadArrow<long[]>(file, 7));
            Assert.Equal(rows.Select(r => r.Name), ReadArrow<string>(file, 8));
        }

        // NaN, -0 and infinities survive bit for bit in a reader with no code in common with the writer.
        Assert.Equal(rows.Select(r => r.Id), await ParquetNetColumns.ScalarsAsync<long>(path, "Id"));
        Assert.Equal(rows.Select(r => r.Label), await ParquetNetColumns.ScalarsAsync<int>(path, "Label"));
        Assert.Equal(rows.Select(r => BitConverter.SingleToInt32Bits(r.Score)), (await ParquetNetColumns.ScalarsAsync<float>(path, "Score")).Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(rows.Select(r => BitConverter.DoubleToInt64Bits(r.Weight)), (await ParquetNetColumns.ScalarsAsync<double>(path, "Weight")).Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(rows.Select(r => r.Probabilities), await ParquetNetColumns.ListsAsync<float>(path, "Probabilities"));
        Assert.Equal(rows.Select(r => r.Doubles), await ParquetNetColumns.ListsAsync<double>(path, "Doubles"));
        Assert.Equal(rows.Select(r => r.Ints), await ParquetNetColumns.ListsAsync<int>(path, "Ints"));
        Assert.Equal(rows.Select(r => r.Longs), await ParquetNetColumns.ListsAsync<long>(path, "Longs"));
        Assert.Equal(rows.Select(r => r.Name), await ParquetNetColumns.TextAsync(path, "Name"));

        var back = _ml.Data.LoadFromParquet(path);
        Assert.Equal(rows.Select(r => r.Id), DataViewReader.Column<long>(back, "Id"));
        Assert.Equal(rows.Select(r => r.Label), DataViewReader.Column<int>(back, "Label"));
        Assert.Equal(rows.Select(r => BitConverter.SingleToInt32Bits(r.Score)), DataViewReader.Column<float>(back, "Score").Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(rows.Select(r => r.Weight), DataViewReader.Column<double>(back, "Weight"));
        Assert.Equal(rows.Select(r => r.Probabilities), DataViewReader.Vectors(back, "Probabilities"));
        Assert.Equal(rows.Select(r => r.Doubles), DataViewReader.Vectors<double>(back, "Doubles"));
        Assert.Equal(rows.Select(r => r.Ints), DataViewReader.Vectors<int>(back, "Ints"));
        Assert.Equal(rows.Select(r => r.Longs), DataViewReader.Vectors<long>(back, "Longs"));
        Assert.Equal(rows.Select(r => r.Name), DataViewReader.Text(back, "Name"));
    }

    [Fact]
    public async Task Flags_and_times_read_back_in_Arrow_ParquetNet_and_the_source_to_the_microsecond()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("times.parquet");
        var start = new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Unspecified);
        var rows = Enumerable.Range(0, 3000).Select(i => new TimeRow
        {
            Flag = i % 3 == 0,
            // Whole microseconds, before and after 1970; the 100 ns ticks below a microsecond are not stored.
            When = start.AddTicks(i * 12_345_670L),
            At = new DateTimeOffset(2024, 2, 29, 12, 0, 0, TimeSpan.FromHours(i % 2 == 0 ? 2 : -5)).AddTicks(i * 10L),
        }).ToList();
        rows.Add(new TimeRow { Flag = true, When = DateTime.MinValue, At = DateTimeOffset.MaxValue.AddTicks(-9) });

        await DataViewWriter.WriteAsync(_ml.Data.LoadFromEnumerable(rows), ObjectLocation.Local(path), DataFormatKind.Parquet, parquet: new ParquetSinkOptions { RowGroupRows = 1000 });

        using (var file = new ParquetFileReader(path))
        {
            using var naive = file.FileMetaData.Schema.Column(1).LogicalType;
            using var utc = file.FileMetaData.Schema.Column(2).LogicalType;
            Assert.Equal(new TimestampLogicalTypeAnnotation(false, ParquetSharp.TimeUnit.Micros), Describe(naive));
            Assert.Equal(new TimestampLogicalTypeAnnotation(true, ParquetSharp.TimeUnit.Micros), Describe(utc));
            Assert.Equal(rows.Select(r => r.Flag), ReadArrow<bool>(file, 0));
            Assert.Equal(rows.Select(r => r.When), ReadArrow<DateTime>(file, 1));
            Assert.Equal(rows.Select(r => r.At.UtcDateTime), ReadArrow<DateTime>(file, 2));
        }

        Assert.Equal(rows.Select(r => r.Flag), await ParquetNetColumns.ScalarsAsync<bool>(path, "Flag"));
        Assert.Equal(rows.Select(r => r.When.Ticks), (await ParquetNetColumns.ScalarsAsync<DateTime>(path, "When")).Select(d => d.Ticks));
        Assert.Equal(rows.Select(r => r.At.UtcTicks), (await ParquetNetColumns.ScalarsAsync<DateTime>(path, "At")).Select(d => d.Ticks));
        var back = _ml.Data.LoadFromParquet(path);
        Assert.Equal(rows.Select(r => r.Flag), DataViewReader.Column<bool>(back, "Flag"));
        Assert.Equal(rows.Select(r => r.When.Ticks), DataViewReader.Column<DateTime>(back, "When").Select(d => d.Ticks));
    }

    [Fact]
    public async Task Variable_length_and_sparse_vectors_are_written_as_lists_of_their_own_length()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("ragged.parquet");
        var lengths = Enumerable.Range(0, 2500).Select(i => i % 7).ToList();
        var vectors = lengths.Select((length, i) => Enumerable.Range(0, length).Select(k => k == i % 5 ? i + (k * 0.5f) : 0f).ToArray()).ToList();
        var data = _ml.Data.LoadFromEnumerable(vectors.Select(v => new RaggedRow { Values = v }));
        // The same values as sparse vectors: only the non-zero items are held, the writer stores them dense.
        var sparse = _ml.Transforms.CustomMapping<RaggedRow, SparseRow>((input, output) =>
        {
            var indices = Enumerable.Range(0, input.Values.Length).Where(k => input.Values[k] != 0).ToArray();
            output.Sparse = new VBuffer<float>(input.Values.Length, indices.Length, indices.Select(k => input.Values[k]).ToArray(), indices);
        }, contractName: null).Fit(data).Transform(data);

        await DataViewWriter.WriteAsync(sparse, ObjectLocation.Local(path), DataFormatKind.Parquet, ["Values", "Sparse"], parquet: new ParquetSinkOptions { RowGroupRows = 1000 });

        using (var file = new ParquetFileReader(path))
        {
            Assert.Equal(3, file.FileMetaData.NumRowGroups);
            Assert.Equal(vectors, ReadArrow<float[]>(file, 0));
            Assert.Equal(vectors, ReadArrow<float[]>(file, 1));
            // Only fixed-size vectors record a length.
            Assert.Empty(file.FileMetaData.KeyValueMetadata);
        }

        Assert.Equal(vectors, await ParquetNetColumns.ListsAsync<float>(path, "Values"));
        Assert.Equal(vectors, await ParquetNetColumns.ListsAsync<float>(path, "Sparse"));
    }

    [Fact]
    public async Task The_schema_is_the_one_ParquetNet_writes_for_the_same_columns()
    {
        using var dir = new TempDirectory();
        var data = _ml.Data.LoadFromEnumerable(Rows(10));
        var written = dir.Combine("arrow.parquet");
        var reference = dir.Combine("reference.parquet");
        await DataViewWriter.WriteAsync(data, ObjectLocation.Local(written), DataFormatKind.Parquet);
        // How MlNetBatch declared these columns when Parquet.Net wrote them: the shape its readers were built on.
        var schema = new Parquet.Schema.ParquetSchema(
            new Parquet.Schema.DataField<long>("Id"),
            new Parquet.Schema.DataField<int>("Label"),
            new Parquet.Schema.DataField<float>("Score"),
            new Parquet.Schema.DataField<double>("Weight"),
            new Parquet.Schema.ListField("Probabilities", new Parquet.Schema.DataField<float>("element")),
            new Parquet.Schema.ListField("Doubles", new Parquet.Schema.DataField<double>("element")),
            new Parquet.Schema.ListField("Ints", new Parquet.Schema.DataField<int>("element")),
            new Parquet.Schema.ListField("Longs", new Parquet.Schema.DataField<long>("element")),
            new Parquet.Schema.DataField("Name", typeof(string), isNullable: true));
        await using (var stream = File.Create(reference))
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        }

        await using var writtenReader = await ParquetReader.CreateAsync(written);
        await using var referenceReader = await ParquetReader.CreateAsync(reference);
        Assert.Equal(referenceReader.Schema, writtenReader.Schema);
        using var writtenArrow = new ParquetFileReader(written);
        using var referenceArrow = new ParquetFileReader(reference);
        Assert.Equal(referenceArrow.FileMetaData.NumColumns, writtenArrow.FileMetaData.NumColumns);
        for (var c = 0; c < referenceArrow.FileMetaData.NumColumns; c++)
        {
            var expected = referenceArrow.FileMetaData.Schema.Column(c);
            var actual = writtenArrow.FileMetaData.Schema.Column(c);
            Assert.Equal(expected.Path.ToDotString(), actual.Path.ToDotString());
            Assert.Equal(expected.PhysicalType, actual.PhysicalType);
            Assert.Equal(expected.LogicalType, actual.LogicalType);
            Assert.Equal(expected.MaxDefinitionLevel, actual.MaxDefinitionLevel);
            Assert.Equal(expected.MaxRepetitionLevel, actual.MaxRepetitionLevel);
        }
    }

    [Fact]
    public async Task Each_row_group_records_its_range_leaving_NaN_out_and_zero_signed_for_either_comparison()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("stats.parquet");
        var rows = Enumerable.Range(0, 3000).Select(i => new Row { Id = 5000 - i, Score = i == 2500 ? float.NaN : i * 0.5f, Weight = i == 0 ? 0.0 : i, Name = $"n{i % 10}" }).ToList();

        await DataViewWriter.WriteAsync(
            _ml.Data.LoadFromEnumerable(rows), ObjectLocation.Local(path), DataFormatKind.Parquet, ["Id", "Score", "Weight", "Name"], blockRows: 700,
            parquet: new ParquetSinkOptions { RowGroupRows = 1000 });

        using var file = new ParquetFileReader(path);
        for (var g = 0; g < 3; g++)
        {
            using var rowGroup = file.RowGroup(g);
            var ids = (Statistics<long>)rowGroup.MetaData.GetColumnChunkMetaData(0).Statistics!;
            Assert.Equal(5000 - (1000 * g) - 999, ids.Min);
            Assert.Equal(5000 - (1000 * g), ids.Max);
            Assert.Equal(0, ids.NullCount);
            // Arrow leaves NaN out of a range rather than dropping the range: the group with one NaN keeps its bounds.
            var scores = (Statistics<float>)rowGroup.MetaData.GetColumnChunkMetaData(1).Statistics!;
            Assert.Equal(500f * g, scores.Min);
            Assert.Equal((500f * g) + 499.5f, scores.Max);
            var names = rowGroup.MetaData.GetColumnChunkMetaData(3).Statistics!;
            Assert.True(names.HasMinMax);
            Assert.Equal(0, names.NullCount);
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
    public async Task An_empty_file_with_flags_and_times_also_records_vector_lengths()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("empty-flags.parquet");

        await DataViewWriter.WriteAsync(_ml.Data.LoadFromEnumerable(Array.Empty<FlagRow>()), ObjectLocation.Local(path), DataFormatKind.Parquet);

        using (var file = new ParquetFileReader(path))
        {
            Assert.Equal("4", file.FileMetaData.KeyValueMetadata["MlNetBatch.VectorSize.Scores"]);
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
    public async Task After_a_write_fails_part_way_the_file_cannot_be_completed_and_the_streams_own_error_surfaces()
    {
        var data = _ml.Data.LoadFromEnumerable(Rows(100));
        var columns = DataViewWriter.SelectColumns(data.Schema, ["Id", "Score"]);
        var batch = new RecordBatchPool(data.Schema, data.Schema.Select(c => c.Name is "Id" or "Score").ToArray(), 100).Rent();
        batch.RowCount = 100;
        // Room for the magic number only: the first row group, written when it fills at 50 rows, fails.
        await using var writer = new ParquetBatchWriter(new FailingStream(failAfterBytes: 40), columns, new ParquetSinkOptions { RowGroupRows = 50 });

        // The stream's own exception, not Arrow's report of it: the job's retry policy tells a full disk from a hiccup.
        var error = await Assert.ThrowsAsync<IOException>(() => writer.WriteAsync(batch, CancellationToken.None));
        Assert.Equal("disk full", error.Message);

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync(CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(batch, CancellationToken.None));
    }

    [Fact]
    public async Task A_column_type_Parquet_output_cannot_hold_is_refused_by_name_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("keys.parquet");
        var data = _ml.Transforms.Conversion.MapValueToKey("Key", "Name").Fit(_ml.Data.LoadFromEnumerable(Rows(10))).Transform(_ml.Data.LoadFromEnumerable(Rows(10)));

        var error = await Assert.ThrowsAsync<MlNetBatchException>(() => DataViewWriter.WriteAsync(data, ObjectLocation.Local(path), DataFormatKind.Parquet, ["Id", "Key"]));

        Assert.Contains("'Key'", error.Message);
        Assert.Empty(Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories));
    }

    internal static List<Row> Rows(int count)
    {
        var random = new Random(42);
        return Enumerable.Range(0, count).Select(i => new Row
        {
            // Neighbours at opposite ends of the range make every delta wrap around.
            Id = (i % 5) switch { 0 => long.MinValue, 1 => long.MaxValue, 2 => i, _ => random.NextInt64(long.MinValue, long.MaxValue) },
            Label = (i % 4) switch { 0 => int.MinValue, 1 => int.MaxValue, 2 => i % 2, _ => random.Next(int.MinValue, int.MaxValue) },
            Score = (i % 7) switch { 0 => float.NaN, 1 => -0f, 2 => float.PositiveInfinity, 3 => float.NegativeInfinity, _ => random.NextSingle() - 0.5f },
            Weight = (i % 6) switch { 0 => -0.0, 1 => double.NaN, 2 => double.NegativeInfinity, _ => random.NextDouble() * 1e300 },
            Probabilities = [random.NextSingle(), random.NextSingle(), i],
            Doubles = [i, -i * 0.5],
            Ints = [i, -i],
            Longs = [i * 1_000_000_000L, -i],
            Name = (i % 3) switch { 0 => string.Empty, 1 => $"row {i} — naïve ✓ 日本", _ => new string('x', i % 300) },
        }).ToList();
    }

    internal static List<T> ReadArrow<T>(ParquetFileReader file, int column)
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

    private static TimestampLogicalTypeAnnotation Describe(LogicalType type)
    {
        var timestamp = Assert.IsType<TimestampLogicalType>(type);
        return new TimestampLogicalTypeAnnotation(timestamp.IsAdjustedToUtc, timestamp.TimeUnit);
    }

    internal sealed class Row
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

    private sealed record TimestampLogicalTypeAnnotation(bool IsAdjustedToUtc, ParquetSharp.TimeUnit Unit);

    private sealed class TimeRow
    {
        public bool Flag { get; set; }

        public DateTime When { get; set; }

        public DateTimeOffset At { get; set; }
    }

    private sealed class RaggedRow
    {
        [VectorType]
        public float[] Values { get; set; } = [];
    }

    private sealed class SparseRow
    {
        [VectorType]
        public VBuffer<float> Sparse { get; set; }
    }

    private sealed class FlagRow
    {
        public long Id { get; set; }

        public bool Flag { get; set; }

        public DateTime When { get; set; }

        [VectorType(4)]
        public float[] Scores { get; set; } = [0, 0, 0, 0];
    }

    private sealed class FailingStream(int failAfterBytes) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > failAfterBytes)
            {
                throw new IOException("disk full");
            }

            base.Write(buffer, offset, count);
        }
    }
}
