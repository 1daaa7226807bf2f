using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs;

public class JobDefinitionValidatorTests
{
    [Fact]
    public async Task StartAsync_with_invalid_jobs_reports_every_problem_with_its_configuration_path()
    {
        var settings = new Dictionary<string, string?>
        {
            ["MlNetBatch:Jobs:nightly:Source:Path"] = "data/*.parquet",
            ["MlNetBatch:Jobs:nightly:Source:Columns:x"] = "floaty",
            ["MlNetBatch:Jobs:nightly:Model:ModelPath"] = "/no/such/model.onnx",
            ["MlNetBatch:Jobs:nightly:Model:BatchSize"] = "-1",
            ["MlNetBatch:Jobs:nightly:Schedule"] = "0 0 25 * * ?",
            ["MlNetBatch:Jobs:nightly:Preprocess:0:Transform"] = "Frobnicate",
            ["MlNetBatch:Jobs:other:Model:ModelPath"] = RepositoryPaths.SampleModel,
            ["MlNetBatch:Jobs:other:Execution:Parallelism"] = "0",
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection("MlNetBatch"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failures = error.Failures.ToList();
        Assert.Contains("MlNetBatch:Jobs:nightly:Schedule: '0 0 25 * * ?' is not a valid cron expression", string.Join("\n", failures));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:nightly:Source:Columns:x: 'floaty'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:nightly:Model:ModelPath:", StringComparison.Ordinal) && f.Contains("/no/such/model.onnx"));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:nightly:Model:BatchSize:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:nightly:Sink:Path:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:nightly:Preprocess:0: unknown transform 'Frobnicate'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:other:Source:Path:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:other:Execution:Parallelism:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MlNetBatch:Jobs:other:Sink:Path:", StringComparison.Ordinal));
        Assert.Equal(9, failures.Count);
    }

    [Fact]
    public async Task The_shipped_appsettings_json_is_valid()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = RepositoryPaths.Root });
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection("MlNetBatch"), RepositoryPaths.Root);
        using var host = builder.Build();

        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<MlNetBatchOptions>>().Value;
        Assert.Contains("sample", options.Jobs.Keys);
        await host.StopAsync();
    }
}
