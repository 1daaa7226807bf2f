namespace MlNetBatch.Worker.Telemetry;

/// <summary>The OTLP transports the exporter speaks.</summary>
public enum OtlpTransport
{
    /// <summary>OTLP over gRPC (port 4317 by convention).</summary>
    Grpc,

    /// <summary>OTLP over HTTP with protobuf bodies (port 4318 by convention).</summary>
    HttpProtobuf,
}
