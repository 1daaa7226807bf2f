using System.Globalization;
using System.Text;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;
using MlNetBatch.Storage.S3.Tests.Support;
using MlNetBatch.Testing.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Storage.S3.Tests.S3;

public class S3SourcesAndSinksTests(S3rverFixture s3) : IClassFixture<S3rverFixture>
{
    [Fact]
    public async Task A_parquet_source_on_s3_reads_the_same_rows_as_the_same_files_on_disk()
    {
        using var dir = new TempDirectory();
        var resolver = s3.Resolver();
        var prefix = S3rverFixture.NewPrefix();
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 3000, 1000, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 3000, 1500, 700, seed: 2);
        await UploadAsync(resolver, dir.Combine("in"), $"{prefix}/in");
        var ml = new MLContext();

        var remote = ml.Data.LoadFrom($"s3://{S3rverFixture.Bucket}/{prefix}/in/*.parquet", DataFormatKind.Parquet, null, resolver);
        var local = ml.Data.LoadFrom(dir.Combine("in", "*.parquet"), DataFormatKind.Parquet);

        Assert.Equal(4500, DataViewReader.Column<long>(remote, "id").Count);
        Assert.Equal(DataViewReader.Column<long>(local, "id"), DataViewReader.Column<long>(remote, "id"));
        foreach (var feature in TabularData.FeatureColumns)
        {
            Assert.Equal(DataViewReader.Column<float>(local, feature), DataViewReader.Column<float>(remote, feature));
        }
    }

    [Fact]
    public async Task A_csv_source_split_into_small_byte_ranges_over_s3_reads_the_same_rows_as_on_disk()
    {
        using var dir = new TempDirectory();
        var resolver = s3.Resolver(o => o.ReadBlockBytes = 64 << 10);
        var prefix = S3rverFixture.NewPrefix();
        var csv = new StringBuilder("id,name,score\n");
        for (var i = 0; i < 20_000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},row-{i % 97},{i * 0.25f}\n");
        }

        File.WriteAllText(dir.Combine("rows.csv"), csv.ToString());
        await UploadAsync(resolver, dir.Path, prefix);
        // ~400 KB in 16 KB partitions: every partition starts mid-line, at an S3 byte range.
        var options = new DataSourceOptions { PartitionBytes = 16 << 10 };
        var ml = new MLContext();

        var remote = ml.Data.LoadFrom($"s3://{S3rverFixture.Bucket}/{prefix}/rows.csv", DataFormatKind.Csv, options, resolver);
        var local = ml.Data.LoadFrom(dir.Combine("rows.csv"), DataFormatKind.Csv, options);

        var partitions = await remote.Source.GetPartitionsAsync();
        Assert.True(partitions.Count > 20, $"{partitions.Count} partitions");
        var ids = DataViewReader.Column<long>(remote, "id");
        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => (long)i), ids.Order());
        Assert.Equal(DataViewReader.Column<long>(local, "id"), ids);
        Assert.Equal(DataViewReader.Text(local, "name"), DataViewReader.Text(remote, "name"));
        Assert.Equal(DataViewReader.Column<float>(local, "score"), DataViewReader.Column<float>(remote, "score"));
    }

    [Theory]
    [InlineData("Parquet")]
    [InlineData("Csv")]
    public async Task A_sink_writing_to_s3_produces_the_same_bytes_as_writing_to_disk(string formatName)
    {
        var format = new DataFormatKind(formatName);
        using var dir = new TempDirectory();
        // Parts of the minimum size so that the ~11 MB output really goes through a multipart upload.
        var resolver = s3.Resolver(o => o.PartSizeBytes = S3StorageOptions.MinimumPartSizeBytes);
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 100_000, 25_000, seed: 3);
        var view = new MLContext().Data.LoadFrom(dir.Combine("in.parquet"), DataFormatKind.Parquet);
        var extension = format == DataFormatKind.Parquet ? "parquet" : "csv";
        var remote = S3rverFixture.Location($"{S3rverFixture.NewPrefix()}/out.{extension}");

        await DataViewWriter.WriteAsync(view, ObjectLocation.Local(dir.Combine($"out.{extension}")), format);
        await DataViewWriter.WriteAsync(view, remote, format, resolver: resolver);

        // The S3 output stream is forward-only (it reports Position but cannot seek); identical bytes show that
        // Parquet.Net's writer needs nothing more, so Parquet output is not spooled to disk before the upload.
        var expected = await File.ReadAllBytesAsync(dir.Combine($"out.{extension}"));
        var actual = await ObjectBytes.ReadAsync(resolver.Resolve(remote), remote);
        Assert.True(expected.Length > S3StorageOptions.MinimumPartSizeBytes, $"only {expected.Length} bytes: no multipart upload");
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "the object differs from the local file");
    }

    [Fact]
    public async Task A_job_reading_from_and_writing_to_s3_gives_the_same_rows_as_the_same_job_on_disk()
    {
        using var dir = new TempDirectory();
        var resolver = s3.Resolver();
        var prefix = S3rverFixture.NewPrefix();
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 1400, 500, seed: 4);
        await TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 1400, 600, 500, seed: 5);
        await UploadAsync(resolver, dir.Combine("in"), $"{prefix}/in");
        var model = TestModels.Tabular(dir);
        var runner = new JobRunner(resolver, new JobPaths(dir.Path));

        var remoteRun = await runner.RunAsync("s3", Job($"s3://{S3rverFixture.Bucket}/{prefix}/in/*.parquet", model, $"s3://{S3rverFixture.Bucket}/{prefix}/out"));
        var localRun = await runner.RunAsync("local", Job(dir.Combine("in", "*.parquet"), model, dir.Combine("out")));

        Assert.Equal(2000, remoteRun.RowsOut);
        Assert.Equal(localRun.Partitions, remoteRun.Partitions);
        Assert.All(remoteRun.OutputFiles, f => Assert.StartsWith($"s3://{S3rverFixture.Bucket}/{prefix}/out/", f));
        var ml = new MLContext();
        var remote = Rows(ml.Data.LoadFrom($"s3://{S3rverFixture.Bucket}/{prefix}/out/*.parquet", DataFormatKind.Parquet, null, resolver));
        var local = Rows(ml.Data.LoadFrom(dir.Combine("out", "*.parquet"), DataFormatKind.Parquet));
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), remote.Keys.Order());
        Assert.Equal(local.Keys.Order(), remote.Keys.Order());
        foreach (var (id, probabilities) in local)
        {
            Assert.Equal(probabilities, remote[id]);
        }
    }

    internal static JobDefinition Job(string source, string model, string sink) => new()
    {
        // A partition per row group, so that these small files make several partitions.
        Source = new SourceDefinition { Path = source, RowGroupsPerPartition = 1 },
        Preprocess = [new PreprocessStep { Transform = "Concatenate", OutputColumn = "features", InputColumns = TabularData.FeatureColumns.ToList() }],
        Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = model, BatchSize = 128, Device = OnnxDevice.Cpu },
        Sink = new SinkDefinition { Path = sink, Columns = ["id", "probabilities", "label"] },
        Execution = new ExecutionOptions { Parallelism = 2 },
    };

    private static Dictionary<long, float[]> Rows(IDataView view)
    {
        var ids = DataViewReader.Column<long>(view, "id");
        var probabilities = DataViewReader.Vectors(view, "probabilities");
        return ids.Zip(probabilities).ToDictionary(p => p.First, p => p.Second);
    }

    private static async Task UploadAsync(ObjectStoreResolver resolver, string localDirectory, string prefix)
    {
        foreach (var file in Directory.GetFiles(localDirectory))
        {
            var location = S3rverFixture.Location($"{prefix}/{Path.GetFileName(file)}");
            await ObjectBytes.WriteAsync(resolver.Resolve(location), location, await File.ReadAllBytesAsync(file));
        }
    }
}
