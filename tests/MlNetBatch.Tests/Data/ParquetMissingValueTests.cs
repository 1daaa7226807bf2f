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
