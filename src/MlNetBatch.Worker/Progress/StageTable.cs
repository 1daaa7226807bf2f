using System.Globalization;
using MlNetBatch.Jobs;
using Spectre.Console;

namespace MlNetBatch.Worker.Progress;

/// <summary>The per-stage summary of a run as a table, naming the bottleneck: what <c>run</c> prints at the end.</summary>
internal static class StageTable
{
    /// <summary>Writes <paramref name="summary"/>'s stages to <paramref name="output"/>, as plain text unless it is the terminal.</summary>
    public static void Write(JobRunSummary summary, TextWriter output)
    {
        if (summary.Stages.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("stage", "busy", "cpu", "rows", "bytes", "input wait", "output wait")
            .Title($"Stages of job '{Markup.Escape(summary.Job)}'");
        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        foreach (var stage in summary.Stages)
        {
            var name = stage.Name == summary.Bottleneck ? $"[bold]{Markup.Escape(stage.Name)}[/] *" : Markup.Escape(stage.Name);
            table.AddRow(
                name, Seconds(stage.Wall), stage.Cpu is { } cpu ? Seconds(cpu) : "-", stage.Rows.ToString("N0", CultureInfo.InvariantCulture),
                stage.Bytes is { } bytes ? bytes.ToString("N0", CultureInfo.InvariantCulture) : "-", Seconds(stage.BlockedOnInput), Seconds(stage.BlockedOnOutput));
        }

        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = terminal ? AnsiConsole.Console : AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            // A file or a pipe has no width; Spectre's default 80 columns would wrap the table.
            console.Profile.Width = 160;
        }

        console.Write(table);
        output.WriteLine($"* Bottleneck: {summary.Bottleneck}, the stage with the most time spent on its own work (busy). Input wait: time waiting for the stage before; output wait: for room before the stage after.");
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("N3", CultureInfo.InvariantCulture) + " s";
}
