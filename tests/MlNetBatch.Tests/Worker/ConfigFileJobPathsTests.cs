using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Tests.Worker;

[Collection(InProcessWorkerHostCollection.Name)]
public class ConfigFileJobPathsTests
{
    [Fact]
    public void Relative_paths_in_a_config_file_resolve_against_its_folder_and_others_are_kept()
    {
        using var dir = new TempDirectory();
        var folder = Directory.CreateDirectory(dir.Combine("jobs")).FullName;
        File.Copy(RepositoryPaths.SampleModel, Path.Combine(folder, "model.onnx"));
        var configFile = Path.Combine(folder, "nightly.json");
        File.WriteAllText(configFile, $$"""
            { "MlNetBatch": { "Jobs": { "nightly": {
                "Source": { "Paths": [ "in/a.parquet", "https://example.com/b.parquet" ] },
                "Model": { "ModelPath": "model.onnx" },
                "Sink": { "Path": "{{dir.Combine("out").Replace("\\", "\\\\")}}" } } } } }
            """);

        using var host = WorkerHost.CreateBuilder([], Path.GetRelativePath(Directory.GetCurrentDirectory(), configFile), withScheduler: false).Build();
        var job = host.Services.GetRequiredService<IOptions<MlNetBatchOptions>>().Value.Jobs["nightly"];

        Assert.Equal([Path.Combine(folder, "in", "a.parquet"), "https://example.com/b.parquet"], job.Source.Paths);
        Assert.Equal(Path.Combine(folder, "model.onnx"), job.Model.ModelPath);
        Assert.Equal(dir.Combine("out"), job.Sink.Path);
    }
}
