using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Tests.Worker;

[Collection(InProcessWorkerHostCollection.Name)]
public class WorkerHostLoggingTests
{
    [Fact]
    public async Task A_failed_start_is_left_to_the_worker_to_report_instead_of_logged_with_its_stack_by_the_host()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Serilog:WriteTo:0:Name"] = "File",
            ["Serilog:WriteTo:0:Args:path"] = dir.Combine("worker.log"),
        };
        var builder = WorkerHost.CreateBuilder([], configFile: null, withScheduler: true, JobConfiguration.With(settings));
        builder.Services.AddHostedService<FailingService>();
        using (var host = builder.Build())
        {
            await Assert.ThrowsAsync<InvalidTimeZoneException>(() => host.RunAsync());
        }

        var log = await File.ReadAllTextAsync(dir.Combine("worker.log"));
        Assert.Contains("MlNetBatch worker started", log);
        Assert.DoesNotContain("InvalidTimeZoneException", log);
    }

    private sealed class FailingService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidTimeZoneException("the start failed");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
