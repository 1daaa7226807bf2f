using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Worker.Health;
using MlNetBatch.Worker.History;

namespace MlNetBatch.Worker.Cli;

/// <summary>The operator's commands: <c>history [job]</c>, the recent runs, and <c>status</c>, the health checks.</summary>
internal static class HistoryCommands
{
    /// <summary>The commands, each running its action in a host built the way <paramref name="withHost"/> builds one.</summary>
    public static IEnumerable<Command> Create(Func<ParseResult, CancellationToken, Func<IHost, TextWriter, Task<int>>, Task<int>> withHost)
    {
        var job = new Argument<string?>("job") { Description = "Only this job's runs.", Arity = ArgumentArity.ZeroOrOne };
        var last = new Option<int>("--last") { Description = "How many runs to show, newest first.", DefaultValueFactory = _ => 20 };
        var stages = new Option<bool>("--stages") { Description = "Under each run, a line per stage: busy and cpu time, rows, bytes, input and output wait." };
        var history = new Command("history", "List recent job runs with status, rows, duration, bottleneck stage and error.");
        history.Arguments.Add(job);
        history.Options.Add(last);
        history.Options.Add(stages);
        history.SetAction((parse, ct) => withHost(parse, ct, (host, writer) =>
            Task.FromResult(History(host, parse.GetValue(job), parse.GetValue(last), parse.GetValue(stages), writer))));
        yield return history;

        var status = new Command("status", "Run the health checks (failing jobs, missed schedules, invalid jobs); exit 0 when healthy or degraded (a job is invalid), 1 when unhealthy or a shared setting is invalid.");
        status.SetAction((parse, ct) => withHost(parse, ct, (host, writer) => StatusAsync(host, writer, ct)));
        yield return status;
    }

    private static int History(IHost host, string? job, int count, bool withStages, TextWriter output)
    {
        if (count < 1)
        {
            output.WriteLine($"--last must be at least 1, not {count}.");
            return WorkerCommandLine.Usage;
        }

        var store = host.Services.GetRequiredService<RunHistoryStore>();
        // Job names match as `run` matches them, ignoring case; the history keeps the configured spelling.
        var configured = host.Services.GetRequiredService<MlNetBatch.Jobs.ConfiguredJobs>().Read().Names.ToList();
        job = job is null ? null : configured.FirstOrDefault(n => string.Equals(n, job, StringComparison.OrdinalIgnoreCase)) ?? job;
        var runs = store.Recent(job, count);
        if (runs.Count == 0)
        {
            var unknown = job is not null && !configured.Contains(job, StringComparer.Ordinal) ? " (no such job is configured)" : string.Empty;
            output.WriteLine($"No runs{(job is null ? string.Empty : $" of '{job}'")} are recorded in {store.Directory}{unknown}.");
            return 0;
        }

        string[] header = ["STARTED", "JOB", "STATUS", "ROWS IN", "ROWS OUT", "BAD", "FILTERED", "DURATION", "BOTTLENECK", "ERROR"];
        var rows = runs.Select(Row).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length - 1).Select(c => rows.Max(r => r[c].Length)).ToArray();
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var line = new StringBuilder();
            for (var c = 0; c < widths.Length; c++)
            {
                // Names and words left, numbers right, as a table reads.
                line.Append(c is >= 3 and <= 7 ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c])).Append("  ");
            }

            output.WriteLine(line.Append(row[^1]).ToString().TrimEnd());
            if (withStages && r > 0)
            {
                foreach (var stage in runs[r - 1].Stages)
                {
                    output.WriteLine($"    {Progress.StageLog.Line(stage, stage.Name == runs[r - 1].Bottleneck)}");
                }
            }
        }

        return 0;
    }

    private static string[] Row(RunRecord run) =>
    [
        run.Started.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), run.Job, run.Status.ToString().ToLowerInvariant(),
        Count(run.RowsIn), Count(run.RowsOut), Count(run.BadRows), Count(run.FilteredRows),
        run.Duration is { } duration ? $"{duration.TotalSeconds.ToString("N1", CultureInfo.InvariantCulture)} s" : "-",
        run.Bottleneck ?? "-", run.Error ?? string.Empty,
    ];

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<int> StatusAsync(IHost host, TextWriter output, CancellationToken cancellationToken)
    {
        // Settings the service would refuse to start with (those all jobs share, the health settings among them) are reported
        // as such, not as a check. An invalid job is not: the service runs the others, and the invalid-jobs check names it.
        if (host.Services.GetRequiredService<ConfiguredJobs>().Read().SharedProblems is { Count: > 0 } shared)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(MlNetBatchOptions), shared);
        }

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(HealthReportText.Format(report)).ConfigureAwait(false);
        // An operator's shell may see another state directory than the service does: say which one was read.
        await output.WriteLineAsync($"(history read from {host.Services.GetRequiredService<RunHistoryStore>().Directory})").ConfigureAwait(false);
        return report.Status == HealthStatus.Unhealthy ? WorkerCommandLine.Failed : 0;
    }
}
