namespace MlNetBatch.Worker.Telemetry;

/// <summary>OTLP export of the MlNetBatch meter and activity source (<c>MlNetBatch:Telemetry:Otlp</c>).</summary>
public sealed class OtlpExportOptions
{
    /// <summary>
    /// The collector's base address, e.g. <c>http://localhost:4317</c> for gRPC or <c>http://localhost:4318</c> for
    /// HTTP; for HTTP the signal paths <c>/v1/metrics</c> and <c>/v1/traces</c> are appended.
    /// </summary>
    /// <value>The default is none: nothing is exported.</value>
    public string? Endpoint { get; set; }

    /// <summary>The OTLP transport: <c>Grpc</c> or <c>HttpProtobuf</c>.</summary>
    /// <value>The default is <c>Grpc</c>, as in the OpenTelemetry SDK.</value>
    public OtlpTransport Protocol { get; set; } = OtlpTransport.Grpc;

    /// <summary>How often metrics are exported; a one-shot command also exports once as it exits.</summary>
    /// <value>The default is 60 seconds, as in the OpenTelemetry SDK.</value>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(60);
}
