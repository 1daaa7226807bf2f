using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MlNetBatch.Diagnostics;

/// <summary>
/// The one <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/> that
/// MlNetBatch reports through. Exporters (OpenTelemetry, Prometheus, a <see cref="MeterListener"/>) subscribe by
/// <see cref="Name"/>; instruments are created once, in the files that own what they count.
/// </summary>
public static class MlNetBatchTelemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "MlNetBatch";

    private static readonly string? Version = typeof(MlNetBatchTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>The meter every MlNetBatch instrument belongs to.</summary>
    internal static Meter Meter { get; } = new(Name, Version);

    /// <summary>The source of the job-run and partition activities (traces).</summary>
    internal static ActivitySource ActivitySource { get; } = new(Name, Version);
}
