using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage.Azure.Tests.Support;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Storage.Azure.Tests.Jobs;

public class BlobJobTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_job_reading_and_writing_azure_gives_the_same_rows_as_the_same_job_on_local_files()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 700, 300, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 700, 300, 300, seed: 2);
        var model = dir.Combine("tabular.onnx");
        await File.WriteAllBytesAsync(model, TabularModel.Build(42));
        var root = await azurite.NewContainerAsync();
        foreach (var name in new[] { "a.parquet", "b.parquet" })
        {
            await azurite.UploadAsync($"{root}/in/{name}", await File.ReadAllBytesAsync(dir.Combine("in", name)));
        }

        var resolver = azurite.Resolver();
        var localSummary = await new JobRunner(resolver, new JobPaths(dir.Path)).RunAsync("local", Job(dir.Combine("in", "*.parquet"), model, dir.Combine("out")));
        var remoteSummary = await new JobRunner(resolver, new JobPaths(dir.Path)).RunAsync("azure", Job(root + "/in/*.parquet", model, root + "/out"));

        Assert.Equal(4, remoteSummary.Partitions);
        Assert.Equal(1000, remoteSummary.RowsOut);
        Assert.Equal(localSummary.OutputFiles.Select(Path.GetFileName), remoteSummary.OutputFiles.Select(f => f[(f.LastIndexOf('/') + 1)..]));
        Assert.All(remoteSummary.OutputFiles, f => Assert.StartsWith(root + "/out/", f));
        var ml = new MLContext();
        var local = ml.Data.LoadFrom(dir.Combine("out") + "/*.parquet", DataFormatKind.Parquet);
        var remote = ml.Data.LoadFrom(root + "/out/*.parquet", DataFormatKind.Parquet, null, resolver);
        Assert.Equal(DataViewReader.Column<long>(local, "id"), DataViewReader.Column<long>(remote, "id"));
        Assert.Equal(DataViewReader.Vectors<long>(local, "label"), DataViewReader.Vectors<long>(remote, "label"));
        Assert.Equal(DataViewReader.Vectors(local, "probabilities"), DataViewReader.Vectors(remote, "probabilities"));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), DataViewReader.Column<long>(remote, "id").Order());
    }

    private static JobDefinition Job(string source, string model, string sink) => new()
    {
        // A partition per row group, so that these small files make several partitions.
        Source = new SourceDefinition { Path = source, RowGroupsPerPartition = 1 },
        Preprocess = [new PreprocessStep { Transform = "Concatenate", OutputColumn = "features", InputColumns = TabularData.FeatureColumns.ToList() }],
        Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = model, BatchSize = 128, Device = OnnxDevice.Cpu },
        Sink = new SinkDefinition { Path = sink, Columns = ["id", "probabilities", "label"] },
        Execution = new ExecutionOptions { Parallelism = 2 },
    };
}
