using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Tests.Worker.Service;

/// <summary>The service host waits for the longest grace period, and gives up before systemd's TimeoutStopSec= kills it.</summary>
[Collection(InProcessWorkerHostCollection.Name)]
public class HostShutdownTimeoutTests
{
    [Fact]
    public void The_host_shutdown_timeout_is_the_longest_grace_period_plus_a_margin_below_the_units()
    {
        using var dir = new TempDirectory();
        var settings = JobConfiguration.TabularJob("quick", dir.Combine("in.parquet"), RepositoryPaths.SampleModel, dir.Combine("quick-out"), "0 0 3 * * ?");
        foreach (var (key, value) in JobConfiguration.TabularJob("slow", dir.Combine("in.parquet"), RepositoryPaths.SampleModel, dir.Combine("slow-out")))
        {
            settings[key] = value;
        }

        settings["MlNetBatch:Jobs:quick:Execution:ShutdownGracePeriod"] = "00:00:10";
        settings["MlNetBatch:Jobs:slow:Execution:ShutdownGracePeriod"] = "00:07:05";
        settings["MlNetBatch:StateDirectory"] = dir.Combine("state");

        using var host = WorkerHost.CreateBuilder([], configFile: null, withScheduler: true, JobConfiguration.With(settings)).Build();
        var timeout = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

        // Not the former fixed 5 minutes, which was shorter than this grace period.
        Assert.Equal(TimeSpan.FromMinutes(7) + TimeSpan.FromSeconds(5) + ShutdownTimes.HostMargin, timeout);
        Assert.True(timeout < TimeSpan.FromSeconds(ShutdownTimes.UnitTimeoutSeconds(TimeSpan.FromSeconds(425))), $"{timeout} must end before TimeoutStopSec=");
    }
}
