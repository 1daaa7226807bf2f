namespace MlNetBatch.Worker.Telemetry;

/// <summary>The <c>MlNetBatch:Telemetry</c> section: where the MlNetBatch meter and activity source are exported. Both exports are off by default.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "MlNetBatch:Telemetry";

    /// <summary>Export of metrics and traces to an OpenTelemetry collector; off while its endpoint is unset.</summary>
    public OtlpExportOptions Otlp { get; set; } = new();

    /// <summary>The Prometheus scrape endpoint (with <c>/healthz</c>) of the service; off while its port is unset.</summary>
    public PrometheusEndpointOptions Prometheus { get; set; } = new();
}
