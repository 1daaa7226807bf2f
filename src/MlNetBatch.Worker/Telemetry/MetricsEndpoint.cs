using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlNetBatch.Diagnostics;
using MlNetBatch.Worker.Health;
using Prometheus;

namespace MlNetBatch.Worker.Telemetry;

/// <summary>
/// The service's scrape endpoint: <c>/metrics</c>, the MlNetBatch meter in the Prometheus text format as
/// prometheus-net writes it, and <c>/healthz</c>, the health report (200 when healthy, 503 when not). One
/// <see cref="HttpListener"/> serves both, so that they share the configured port.
/// </summary>
internal sealed class MetricsEndpoint(IOptions<TelemetryOptions> options, HealthCheckService health, ILogger<MetricsEndpoint> logger) : BackgroundService
{
    private readonly HttpListener _listener = new();
    /// <summary>
    /// How long a series may go without a measurement before prometheus-net drops it (it cannot tell a finished series
    /// from a quiet one); a day is the most it allows. The job-run counters are observed at every scrape, so they stay.
    /// </summary>
    private static readonly TimeSpan SeriesLifetime = TimeSpan.FromDays(1);

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private IDisposable? _meterAdapter;

    /// <summary>The address served, e.g. <c>http://127.0.0.1:9464/</c>.</summary>
    public string Prefix { get; } = PrefixOf(options.Value.Prometheus);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _meterAdapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            InstrumentFilterPredicate = instrument => instrument.Meter.Name == MlNetBatchTelemetry.Name,
            Registry = _registry,
            // The factory wins over Registry, and its default publishes into prometheus-net's global registry.
            MetricFactory = Metrics.WithCustomRegistry(_registry),
            MetricsExpireAfter = SeriesLifetime,
        });
        _listener.Prefixes.Add(Prefix);
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new MlNetBatchException($"{TelemetryOptions.SectionName}:Prometheus: cannot listen on {Prefix} ({e.Message.TrimEnd('.')}).", e);
        }

        logger.LogInformation("Metrics at {Prefix}metrics, health at {Prefix}healthz", Prefix, Prefix);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // GetContextAsync takes no token: closing the listener is what ends the loop.
        _listener.Close();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _meterAdapter?.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // A slow scraper must not hold up the next request.
            _ = Task.Run(() => RespondAsync(context, stoppingToken), CancellationToken.None);
        }
    }

    private async Task RespondAsync(HttpListenerContext context, CancellationToken stoppingToken)
    {
        var response = context.Response;
        try
        {
            switch (context.Request.Url?.AbsolutePath.TrimEnd('/'))
            {
                case "/metrics":
                    response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                    await _registry.CollectAndExportAsTextAsync(response.OutputStream, stoppingToken).ConfigureAwait(false);
                    break;
                case "/healthz":
                    var report = await health.CheckHealthAsync(stoppingToken).ConfigureAwait(false);
                    response.StatusCode = report.Status == HealthStatus.Unhealthy ? (int)HttpStatusCode.ServiceUnavailable : (int)HttpStatusCode.OK;
                    response.ContentType = "text/plain; charset=utf-8";
                    await using (var writer = new StreamWriter(response.OutputStream, leaveOpen: true))
                    {
                        await writer.WriteAsync(HealthReportText.Format(report)).ConfigureAwait(false);
                    }

                    break;
                default:
                    response.StatusCode = (int)HttpStatusCode.NotFound;
                    break;
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The scraper hung up, or the service is stopping.
            logger.LogDebug(e, "A request to the metrics endpoint ended early");
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                logger.LogDebug(e, "The metrics endpoint's response could not be closed");
            }
        }
    }

    public override void Dispose()
    {
        _meterAdapter?.Dispose();
        ((IDisposable)_listener).Dispose();
        base.Dispose();
    }

    private static string PrefixOf(PrometheusEndpointOptions endpoint)
    {
        var host = endpoint.Host is "0.0.0.0" or "*" or "::" or "[::]" ? "+" : endpoint.Host.Contains(':', StringComparison.Ordinal) && !endpoint.Host.StartsWith('[') ? $"[{endpoint.Host}]" : endpoint.Host;
        return $"http://{host}:{endpoint.Port}/";
    }
}
