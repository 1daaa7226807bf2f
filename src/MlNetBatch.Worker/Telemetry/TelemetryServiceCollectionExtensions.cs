using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MlNetBatch.Diagnostics;
using MlNetBatch.Worker.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MlNetBatch.Worker.Telemetry;

/// <summary>Registers the export of the MlNetBatch meter and activity source: OTLP, and the service's scrape endpoint.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The service name the exported telemetry carries.</summary>
    public const string ServiceName = "mlnetbatch";

    /// <summary>
    /// Binds <see cref="TelemetryOptions"/> from <paramref name="section"/> (<c>MlNetBatch:Telemetry</c>); adds the
    /// OTLP exporter when an endpoint is set and, when <paramref name="serveEndpoint"/> (service mode) and a port is
    /// set, the <c>/metrics</c> and <c>/healthz</c> endpoint.
    /// </summary>
    public static IServiceCollection AddMlNetBatchTelemetry(this IServiceCollection services, IConfigurationSection section, bool serveEndpoint)
    {
        ArgumentNullException.ThrowIfNull(section);
        services.AddStrictOptions(section, new TelemetryOptionsValidator(section));
        services.TryAddSingleton<TelemetryProviders>();
        // Exporters are chosen as the services are registered; settings the validator refuses turn them off, and the
        // validator's report stops the worker before anything runs.
        var settings = StrictBinding.Read<TelemetryOptions>(section);
        if (new TelemetryOptionsValidator().Validate(null, settings).Failed)
        {
            return services;
        }

        if (settings.Otlp.Endpoint is { } endpoint)
        {
            AddOtlp(services, new Uri(endpoint), settings.Otlp);
        }

        if (serveEndpoint && settings.Prometheus.Port is not null)
        {
            services.AddHostedService<MetricsEndpoint>();
        }

        return services;
    }

    private static void AddOtlp(IServiceCollection services, Uri endpoint, OtlpExportOptions otlp)
    {
        var protocol = otlp.Protocol == OtlpTransport.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics.AddMeter(MlNetBatchTelemetry.Name).AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, protocol, endpoint, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)Math.Min(int.MaxValue, otlp.ExportInterval.TotalMilliseconds);
            }))
            .WithTracing(tracing => tracing.AddSource(MlNetBatchTelemetry.Name).AddOtlpExporter(exporter => Configure(exporter, protocol, endpoint, "v1/traces")));
    }

    /// <summary>Over HTTP each signal has its own path; an endpoint set in code is used as given, so the path is added here.</summary>
    private static void Configure(OtlpExporterOptions exporter, OtlpExportProtocol protocol, Uri endpoint, string signalPath)
    {
        exporter.Protocol = protocol;
        exporter.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : endpoint;
    }
}
