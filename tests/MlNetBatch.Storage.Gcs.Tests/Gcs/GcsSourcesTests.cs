using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Storage.Gcs.Tests.Support;
using MlNetBatch.Testing.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Storage.Gcs.Tests.Gcs;

public class GcsSourcesTests(GcsEmulatorFixture gcs) : IClassFixture<GcsEmulatorFixture>
{
    [Fact]
    public async Task A_parquet_source_on_gcs_reads_the_same_rows_as_the_same_files_on_disk()
    {
        using var dir = new TempDirectory();
        var resolver = gcs.Resolver();
        var prefix = GcsEmulatorFixture.NewPrefix();
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 3000, 1000, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 3000, 1500, 700, seed: 2);
        foreach (var file in Directory.GetFiles(dir.Combine("in")))
        {
            var location = GcsEmulatorFixture.Location($"{prefix}/in/{Path.GetFileName(file)}");
            var bytes = await File.ReadAllBytesAsync(file);
            await ObjectBytes.WriteAsync(resolver.Resolve(location), location, bytes);
            Assert.Equal(bytes, await ObjectBytes.ReadAsync(resolver.Resolve(location), location));
        }

        var ml = new MLContext();
        var remote = ml.Data.LoadFrom($"gs://{GcsEmulatorFixture.Bucket}/{prefix}/in/*.parquet", DataFormatKind.Parquet, null, resolver);
        var local = ml.Data.LoadFrom(dir.Combine("in", "*.parquet"), DataFormatKind.Parquet);

        Assert.Equal(4500, DataViewReader.Column<long>(remote, "id").Count);
        Assert.Equal(DataViewReader.Column<long>(local, "id"), DataViewReader.Column<long>(remote, "id"));
        foreach (var feature in TabularData.FeatureColumns)
        {
            Assert.Equal(DataViewReader.Column<float>(local, feature), DataViewReader.Column<float>(remote, feature));
        }
    }
}
