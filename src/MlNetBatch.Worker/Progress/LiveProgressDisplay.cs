using System.Globalization;
using MlNetBatch.Jobs.Progress;
using Spectre.Console;

namespace MlNetBatch.Worker.Progress;

/// <summary>
/// A run's progress in the terminal (Spectre.Console): partitions and rows done of their totals with rows/s, time
/// left and bad rows, and a bar per stage queue showing how full it is, redrawn until the run ends.
/// </summary>
internal sealed class LiveProgressDisplay : IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);
    private readonly JobProgress _progress;
    private readonly Task _display;

    private LiveProgressDisplay(JobProgress progress, IAnsiConsole console)
    {
        _progress = progress;
        _display = console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .StartAsync(ShowAsync);
    }

    /// <summary>Shows <paramref name="progress"/> until it is finished and the display disposed.</summary>
    public static LiveProgressDisplay Start(JobProgress progress, IAnsiConsole? console = null) => new(progress, console ?? AnsiConsole.Console);

    /// <summary>Waits for the last redraw, which shows the final numbers.</summary>
    public void Dispose() => _display.GetAwaiter().GetResult();

    private async Task ShowAsync(ProgressContext context)
    {
        var partitions = context.AddTask("partitions", maxValue: Math.Max(1, _progress.Partitions));
        var rows = context.AddTask("rows", maxValue: Math.Max(1, _progress.Rows ?? 1));
        var queues = new Dictionary<string, ProgressTask>();
        while (true)
        {
            var finished = _progress.IsFinished;
            var p = _progress;
            partitions.Value = p.PartitionsDone;
            partitions.Description = $"[bold]{Markup.Escape(p.Job)}[/] {p.PartitionsDone}/{p.Partitions} partitions";
            rows.Value = p.Rows is null ? (p.Partitions == 0 ? 0 : (double)p.PartitionsDone / p.Partitions) : Math.Min(p.RowsDone, p.Rows.Value);
            var eta = p.Eta is { } left ? left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "?";
            rows.Description = string.Create(CultureInfo.InvariantCulture,
                $"{p.RowsDone:N0}{(p.Rows is { } total ? $"/{total:N0}" : string.Empty)} rows, {p.RowsPerSecond:N0} rows/s, ETA {eta}, {p.BadRows} bad");
            foreach (var queue in p.Queues)
            {
                if (!queues.TryGetValue(queue.Stage, out var task))
                {
                    queues[queue.Stage] = task = context.AddTask($"  queue after {Markup.Escape(queue.Stage)}", maxValue: 1);
                }

                task.Value = queue.Fill;
            }

            if (finished)
            {
                foreach (var task in queues.Values)
                {
                    task.Value = 0;
                }

                partitions.StopTask();
                rows.StopTask();
                return;
            }

            await Task.Delay(Refresh).ConfigureAwait(false);
        }
    }
}
