using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetBatch.Jobs.Progress;

namespace MlNetBatch.Worker.History;

/// <summary>
/// A run's per-stage figures as the history's <c>stages</c> column keeps them: a JSON array of
/// <c>{ name, wallSeconds, cpuSeconds, rows, bytes, inputWaitSeconds, outputWaitSeconds }</c>, readable by any SQLite client.
/// </summary>
internal static class RunStages
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>The column's text; null for a run without stages.</summary>
    public static string? ToJson(IReadOnlyList<StageStats>? stages) =>
        stages is not { Count: > 0 }
            ? null
            : JsonSerializer.Serialize(stages.Select(s => new Stage(
                s.Name, s.Wall.TotalSeconds, s.Cpu?.TotalSeconds, s.Rows, s.Bytes, s.BlockedOnInput.TotalSeconds, s.BlockedOnOutput.TotalSeconds)).ToList(), Json);

    /// <summary>The stages read back; empty for a run without them.</summary>
    public static IReadOnlyList<StageStats> FromJson(string? json) =>
        json is not { Length: > 0 }
            ? []
            : (JsonSerializer.Deserialize<List<Stage>>(json, Json) ?? []).Select(s => new StageStats(
                s.Name, TimeSpan.FromSeconds(s.WallSeconds), s.CpuSeconds is { } cpu ? TimeSpan.FromSeconds(cpu) : null, s.Rows, s.Bytes,
                TimeSpan.FromSeconds(s.InputWaitSeconds), TimeSpan.FromSeconds(s.OutputWaitSeconds))).ToList();

    private sealed record Stage(string Name, double WallSeconds, double? CpuSeconds, long Rows, long? Bytes, double InputWaitSeconds, double OutputWaitSeconds);
}
