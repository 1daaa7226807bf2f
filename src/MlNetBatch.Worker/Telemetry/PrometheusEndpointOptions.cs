namespace MlNetBatch.Worker.Telemetry;

/// <summary>
/// The service's scrape endpoint (<c>MlNetBatch:Telemetry:Prometheus</c>): <c>/metrics</c> in the Prometheus text
/// format and <c>/healthz</c> with the health checks' report.
/// </summary>
public sealed class PrometheusEndpointOptions
{
    /// <summary>The TCP port to listen on.</summary>
    /// <value>The default is none: no endpoint.</value>
    public int? Port { get; set; }

    /// <summary>The address to listen on; <c>localhost</c>, <c>127.0.0.1</c> or <c>::1</c> unless <see cref="AllowNonLoopback"/>.</summary>
    /// <value>The default is <c>127.0.0.1</c>.</value>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>
    /// Allows a <see cref="Host"/> other networks can reach (<c>0.0.0.0</c> or <c>*</c> for every address). The endpoint
    /// has no authentication: put it behind a firewall or a proxy first.
    /// </summary>
    /// <value>The default is false.</value>
    public bool AllowNonLoopback { get; set; }
}
