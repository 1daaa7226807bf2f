using System.Globalization;
using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Progress;

namespace MlNetBatch.Worker.Progress;

/// <summary>
/// The per-stage summary of a run as log lines, one per stage, for the service, which has no terminal to print
/// <see cref="StageTable"/> to: the same figures, each also a structured property.
/// </summary>
internal static class StageLog
{
    /// <summary>Logs <paramref name="summary"/>'s stages at Information, the bottleneck marked.</summary>
    public static void Write(ILogger logger, JobRunSummary summary)
    {
        foreach (var stage in summary.Stages)
        {
            logger.LogInformation(
                "Job {Job} stage {Stage}{Bottleneck}: busy {BusySeconds} s, cpu {CpuSeconds} s, rows {Rows}, bytes {Bytes}, input wait {InputWaitSeconds} s, output wait {OutputWaitSeconds} s",
                summary.Job, stage.Name, stage.Name == summary.Bottleneck ? " (bottleneck)" : string.Empty, Seconds(stage.Wall), stage.Cpu is { } cpu ? Seconds(cpu) : "-",
                stage.Rows, stage.Bytes?.ToString(CultureInfo.InvariantCulture) ?? "-", Seconds(stage.BlockedOnInput), Seconds(stage.BlockedOnOutput));
        }
    }

    /// <summary>A stage's figures on one line, as <c>history --stages</c> shows them.</summary>
    public static string Line(StageStats stage, bool bottleneck) => string.Create(
        CultureInfo.InvariantCulture,
        $"{stage.Name}{(bottleneck ? " (bottleneck)" : string.Empty)}: busy {Seconds(stage.Wall)} s, cpu {(stage.Cpu is { } cpu ? Seconds(cpu) : "-")} s, rows {stage.Rows}, bytes {stage.Bytes?.ToString(CultureInfo.InvariantCulture) ?? "-"}, input wait {Seconds(stage.BlockedOnInput)} s, output wait {Seconds(stage.BlockedOnOutput)} s");

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
