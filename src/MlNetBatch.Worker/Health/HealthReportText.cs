using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MlNetBatch.Worker.Health;

/// <summary>The health report as plain text, the same for the <c>status</c> command and <c>/healthz</c>.</summary>
internal static class HealthReportText
{
    /// <summary>The overall status, then a line per check and an indented line per job it names.</summary>
    public static string Format(HealthReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(report.Status.ToString());
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var description = entry.Description ?? entry.Exception?.Message ?? string.Empty;
            text.AppendLine($"{name}: {entry.Status} - {description.ReplaceLineEndings(" ")}");
            foreach (var (job, detail) in entry.Data.OrderBy(d => d.Key, StringComparer.OrdinalIgnoreCase))
            {
                text.AppendLine($"  {job}: {detail}");
            }
        }

        return text.ToString();
    }
}
