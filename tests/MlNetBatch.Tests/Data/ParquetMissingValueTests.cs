using MlNetBatch.Data;
using MlNetBatch.Tests.Support;
using ParquetSharp;

namespace MlNetBatch.Tests.Data;

/// <summary>Parquet nulls in float columns follow the source's MissingValues, as CSV and JSON Lines values do.</summary>
public class ParquetMissingValueTests
{
    [Fact]
    public async Task Nulls_in_float_columns_are_counted_as_NaN_or_are_bad_records_when_the_source_says_so()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.parquet");
        using (var file = new ParquetFileWriter(path, [new Column<long>("id"), new Column<float?>("x")]))
        {
            using var group = file.AppendRowGroup();
            using (var id = group.NextColumn().LogicalWriter<long>())
            {
                id.WriteBatch([1, 2, 3, 4]);
            }

            using (var x = group.NextColumn().LogicalWriter<float?>())
            {
                x.WriteBatch([0.5f, null, 1.5f, null]);
            }

            file.Close();
        }

        var statistics = new ReadStatistics();
        var asNaN = (await PartitionedDataSource.OpenAsync(path)).WithStatistics(statistics).AsDataView();
        var values = DataViewReader.Column<float>(asNaN, "x");
        var sink = new CollectingBadRecordSink();
        var strictNulls = (await PartitionedDataSource.OpenAsync(path, new DataSourceOptions { MissingValues = MissingValueHandling.BadRecord }))
            .WithBadRecords(sink).AsDataView();

        Assert.Equal(4, values.Count);
        Assert.True(float.IsNaN(values[1]) && float.IsNaN(values[3]));
        Assert.Equal(2, statistics.MissingValues);
        // Only columns a consumer reads are decoded, so x is read: the two rows with a null in it are set aside.
        Assert.Equal([0.5f, 1.5f], DataViewReader.Column<float>(strictNulls, "x"));
        Assert.Equal([1L, 3L], sink.Records.Select(r => r.Row));
        Assert.All(sink.Records, r => Assert.Contains("MissingValues is BadRecord", r.Reason));
    }
}

public class ParquetTypeFidelityTests
{
    [Fact]
    public async Task Fractional_numbers_declared_as_integers_are_refused_rather_than_truncated()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.parquet");
        using (var file = new ParquetFileWriter(path, [new Column<double>("x")]))
        {
            using var group = file.AppendRowGroup();
            using (var x = group.NextColumn().LogicalWriter<double>())
            {
                x.WriteBatch([2.9, -1.7]);
            }

            file.Close();
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
            DataViewReader.Column<int>((await PartitionedDataSource.OpenAsync(path, new DataSourceOptions { Columns = new() { ["x"] = "int" } })).AsDataView(), "x"));

        Assert.Contains("type mismatch", error.ToString());
        Assert.Equal([2.9, -1.7], DataViewReader.Column<double>((await PartitionedDataSource.OpenAsync(path)).AsDataView(), "x"));
    }

    [Fact]
    public async Task A_UTC_timestamp_written_back_by_a_sink_is_still_an_instant()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("in.parquet");
        var instants = new[] { new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), new DateTime(1969, 7, 20, 20, 17, 0, DateTimeKind.Utc) };
        using (var file = new ParquetFileWriter(path, [new Column<DateTime>("t", LogicalType.Timestamp(isAdjustedToUtc: true, TimeUnit.Micros))]))
        {
            using var group = file.AppendRowGroup();
            using (var t = group.NextColumn().LogicalWriter<DateTime>())
            {
                t.WriteBatch(instants);
            }

            file.Close();
        }

        var ml = new Microsoft.ML.MLContext();
        MlNetBatch.Sinks.DataSaveCatalogExtensions.SaveAsParquet(ml.Data, ml.Data.LoadFromParquet(path), dir.Combine("out.parquet"), "t");

        using var written = new ParquetFileReader(dir.Combine("out.parquet"));
        var logical = (TimestampLogicalType)written.FileMetaData.Schema.Column(0).LogicalType;
        Assert.True(logical.IsAdjustedToUtc);
        Assert.Equal(instants.Select(i => new DateTimeOffset(i)), DataViewReader.Column<DateTimeOffset>(ml.Data.LoadFromParquet(dir.Combine("out.parquet")), "t"));
    }
}

public class ParquetConversionTests
{
    [Fact]
    public async Task A_value_that_does_not_fit_the_declared_type_is_a_bad_record_or_names_the_column_and_row()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.parquet");
        using (var file = new ParquetFileWriter(path, [new Column<long>("n")]))
        {
            using var group = file.AppendRowGroup();
            using (var n = group.NextColumn().LogicalWriter<long>())
            {
                n.WriteBatch([1, 5_000_000_000, 3]);
            }

            file.Close();
        }

        var options = new DataSourceOptions { Columns = new() { ["n"] = "int" } };
        var sink = new CollectingBadRecordSink();
        var tolerant = (await PartitionedDataSource.OpenAsync(path, options)).WithBadRecords(sink).AsDataView();
        var strict = (await PartitionedDataSource.OpenAsync(path, options)).AsDataView();

        Assert.Equal([1, 3], DataViewReader.Column<int>(tolerant, "n"));
        Assert.Equal(1L, Assert.Single(sink.Records).Row);
        Assert.Contains("cannot convert the value '5000000000'", sink.Records[0].Reason);
        var error = Assert.ThrowsAny<Exception>(() => DataViewReader.Column<int>(strict, "n")).ToString();
        Assert.Contains("column 'n', row 1", error);
    }
}

public class ParquetNarrowingTests
{
    [Fact]
    public async Task Doubles_read_as_float_keep_their_value_and_one_beyond_float_range_is_a_bad_record()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.parquet");
        using (var file = new ParquetFileWriter(path, [new Column<double>("d"), new Column<int>("i")]))
        {
            using var group = file.AppendRowGroup();
            using (var d = group.NextColumn().LogicalWriter<double>())
            {
                d.WriteBatch([0.5, 1e300, -0.0, double.PositiveInfinity]);
            }

            using (var i = group.NextColumn().LogicalWriter<int>())
            {
                i.WriteBatch([1, 2, 16_777_217, -4]);
            }

            file.Close();
        }

        var options = new DataSourceOptions { Columns = new() { ["d"] = "float", ["i"] = "float" } };
        var sink = new CollectingBadRecordSink();
        var view = (await PartitionedDataSource.OpenAsync(path, options)).WithBadRecords(sink).AsDataView();

        var narrowed = DataViewReader.Column<float>(view, "d");
        Assert.Equal([0.5f, -0.0f, float.PositiveInfinity], narrowed);
        Assert.True(float.IsNegative(narrowed[1]));
        Assert.Equal(1L, Assert.Single(sink.Records).Row);
        // Read alone, the int column has no bad row: integers widen to float as float rounds them.
        Assert.Equal([1f, 2f, 16_777_216f, -4f], DataViewReader.Column<float>(view, "i"));
    }
}
