using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MlNetBatch.Worker.Telemetry;

/// <summary>
/// Makes sure the OpenTelemetry providers exist before a job runs. The service starts them with the host; the one-shot
/// commands never start their host, so without this a <c>run</c> would record nothing. They flush as the host is disposed.
/// </summary>
public sealed class TelemetryProviders(IServiceProvider services)
{
    private int _started;

    /// <summary>Checks the telemetry settings and creates the configured providers, once.</summary>
    public void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
            _ = services.GetService<MeterProvider>();
            _ = services.GetService<TracerProvider>();
        }
    }
}
