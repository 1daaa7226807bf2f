using System.Globalization;
using System.Text;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Sinks;
using MlNetBatch.Storage.Azure.Tests.Support;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Storage.Azure.Tests.Data;

public class BlobSourceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task A_parquet_source_on_azure_reads_the_same_rows_as_the_same_files_on_disk()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in", "x", "part-0.parquet"), 0, 1500, 400, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("in", "y", "part-1.parquet"), 1500, 1100, 400, seed: 2);
        var root = await azurite.NewContainerAsync();
        await azurite.UploadAsync(root + "/data/x/part-0.parquet", await File.ReadAllBytesAsync(dir.Combine("in", "x", "part-0.parquet")));
        await azurite.UploadAsync(root + "/data/y/part-1.parquet", await File.ReadAllBytesAsync(dir.Combine("in", "y", "part-1.parquet")));

        var local = _ml.Data.LoadFrom(dir.Combine("in") + "/**/*.parquet", DataFormatKind.Parquet);
        var remote = _ml.Data.LoadFrom(root + "/data/**/*.parquet", DataFormatKind.Parquet, null, azurite.Resolver());

        Assert.Equal((await local.Source.GetPartitionsAsync()).Count, (await remote.Source.GetPartitionsAsync()).Count);
        AssertSameColumns(local, remote);
    }

    [Fact]
    public async Task A_csv_source_split_into_small_byte_ranges_over_blobs_reads_every_row_once()
    {
        using var dir = new TempDirectory();
        var text = new StringBuilder("id,value,name\n");
        for (var i = 0; i < 5000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},{i * 0.25},row {i}").Append(i % 7 == 0 ? "\r\n" : "\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        await File.WriteAllBytesAsync(dir.Combine("a.csv"), bytes);
        var root = await azurite.NewContainerAsync();
        await azurite.UploadAsync(root + "/csv/a.csv", bytes);
        var options = new DataSourceOptions { PartitionBytes = 1024, ChunkRows = 100 };

        var local = _ml.Data.LoadFrom(dir.Combine("a.csv"), DataFormatKind.Csv, options);
        var remote = _ml.Data.LoadFrom(root + "/csv/*.csv", DataFormatKind.Csv, options, azurite.Resolver());

        Assert.True((await remote.Source.GetPartitionsAsync()).Count > 50);
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (long)i), DataViewReader.Column<long>(remote, "id"));
        AssertSameColumns(local, remote);
    }

    [Fact]
    public async Task A_source_whose_blob_changed_after_planning_fails_with_ObjectChangedException_when_read()
    {
        var root = await azurite.NewContainerAsync();
        await azurite.UploadAsync(root + "/data/a.csv", "id,x\n1,2\n"u8.ToArray());
        var view = _ml.Data.LoadFrom(root + "/data/*.csv", DataFormatKind.Csv, null, azurite.Resolver());

        await azurite.UploadAsync(root + "/data/a.csv", "id,x\n1,2\n3,4\n"u8.ToArray());
        var error = Assert.ThrowsAny<Exception>(() => DataViewReader.Column<long>(view, "id"));

        var changed = Assert.IsType<ObjectChangedException>(Causes(error).FirstOrDefault(e => e is ObjectChangedException), exactMatch: true);
        Assert.StartsWith($"{root}/data/a.csv: the object changed after the job was planned (size 9 -> 13", changed.Message);
    }

    [Fact]
    public async Task Parquet_and_csv_written_to_azure_by_the_sink_read_back_equal_to_the_source()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 2600, 1000, seed: 3);
        var source = _ml.Data.LoadFrom(dir.Combine("in.parquet"), DataFormatKind.Parquet);
        var root = await azurite.NewContainerAsync();
        // Smallest blocks, so that the Parquet writer's output crosses several of them.
        var resolver = azurite.Resolver(o => o.BlockSizeBytes = 64 << 10);

        var parquetRows = await DataViewWriter.WriteAsync(source, ObjectLocation.Parse(root + "/out/data.parquet"), DataFormatKind.Parquet, null, resolver);
        var csvRows = await DataViewWriter.WriteAsync(source, ObjectLocation.Parse(root + "/out/data.csv"), DataFormatKind.Csv, null, resolver);

        Assert.Equal(2600, parquetRows);
        Assert.Equal(2600, csvRows);
        var parquetInfo = await resolver.Resolve(ObjectLocation.Parse(root)).StatAsync(ObjectLocation.Parse(root + "/out/data.parquet"));
        Assert.True(parquetInfo.Size > 2 * (64 << 10), $"{parquetInfo.Size} bytes fit in fewer than three blocks.");
        AssertSameColumns(source, _ml.Data.LoadFrom(root + "/out/data.parquet", DataFormatKind.Parquet, null, resolver));
        AssertSameColumns(source, _ml.Data.LoadFrom(root + "/out/data.csv", DataFormatKind.Csv, null, resolver));
    }

    private static IEnumerable<Exception> Causes(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Causes))
                {
                    yield return inner;
                }
            }
        }
    }

    private static void AssertSameColumns(IDataView expected, IDataView actual)
    {
        Assert.Equal(expected.Schema.Select(c => (c.Name, c.Type)), actual.Schema.Select(c => (c.Name, c.Type)));
        foreach (var column in expected.Schema)
        {
            switch (column.Type.RawType)
            {
                case var t when t == typeof(long):
                    Assert.Equal(DataViewReader.Column<long>(expected, column.Name), DataViewReader.Column<long>(actual, column.Name));
                    break;
                case var t when t == typeof(float):
                    Assert.Equal(DataViewReader.Column<float>(expected, column.Name), DataViewReader.Column<float>(actual, column.Name));
                    break;
                case var t when t == typeof(ReadOnlyMemory<char>):
                    Assert.Equal(DataViewReader.Text(expected, column.Name), DataViewReader.Text(actual, column.Name));
                    break;
                default:
                    Assert.Fail($"Column '{column.Name}' of type {column.Type} is not compared by this test.");
                    break;
            }
        }
    }
}
