using Microsoft.Extensions.DependencyInjection;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Cli;
using MlNetBatch.Worker.Health;
using MlNetBatch.Worker.History;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Tests.Worker.Operations;

[Collection(InProcessWorkerHostCollection.Name)]
public class StatusCommandTests
{
    [Fact]
    public async Task A_job_that_failed_its_last_N_runs_is_unhealthy_until_a_run_succeeds()
    {
        using var dir = new TempDirectory();
        var settings = OperationsJobs.Settings(dir, "flaky");
        settings["MlNetBatch:Health:FailedRuns"] = "2";
        await OperationsJobs.MakeBrokenAsync(dir, "flaky");

        Assert.Equal(WorkerCommandLine.Failed, (await OperationsJobs.InvokeAsync(settings, "run", "flaky")).Exit);
        var (afterOne, oneReport) = await OperationsJobs.InvokeAsync(settings, "status");
        Assert.True(afterOne == 0, oneReport);
        Assert.Contains("failing-jobs: Healthy", oneReport);

        Assert.Equal(WorkerCommandLine.Failed, (await OperationsJobs.InvokeAsync(settings, "run", "flaky")).Exit);
        var (afterTwo, twoReport) = await OperationsJobs.InvokeAsync(settings, "status");
        Assert.True(afterTwo == WorkerCommandLine.Failed, twoReport);
        Assert.StartsWith("Unhealthy", twoReport);
        Assert.Contains("failing-jobs: Unhealthy", twoReport);
        Assert.Contains("flaky: failed its last 2 run(s); last: Job 'flaky'", twoReport);
        Assert.Contains("not a readable Parquet file", twoReport);

        await OperationsJobs.MakeGoodAsync(dir, "flaky");
        Assert.Equal(0, (await OperationsJobs.InvokeAsync(settings, "run", "flaky")).Exit);
        var (afterSuccess, healthy) = await OperationsJobs.InvokeAsync(settings, "status");
        Assert.True(afterSuccess == 0, healthy);
        Assert.StartsWith("Healthy", healthy);
        Assert.Contains($"(history read from {dir.Combine("state")})", healthy);
    }

    [Fact]
    public async Task History_lists_the_runs_with_status_rows_duration_and_error()
    {
        using var dir = new TempDirectory();
        var settings = OperationsJobs.Settings(dir, "mixed");
        await OperationsJobs.MakeBrokenAsync(dir, "mixed");
        Assert.Equal(WorkerCommandLine.Failed, (await OperationsJobs.InvokeAsync(settings, "run", "mixed")).Exit);
        await OperationsJobs.MakeGoodAsync(dir, "mixed");
        Assert.Equal(0, (await OperationsJobs.InvokeAsync(settings, "run", "mixed")).Exit);

        var (exit, output) = await OperationsJobs.InvokeAsync(settings, "history", "mixed");

        Assert.True(exit == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^STARTED\s+JOB\s+STATUS\s+ROWS IN\s+ROWS OUT\s+BAD\s+FILTERED\s+DURATION\s+BOTTLENECK\s+ERROR$", lines[0]);
        // Newest first.
        // The bottleneck is the stage the run summary names; a failed run has none.
        Assert.Matches(@"mixed\s+succeeded\s+300\s+300\s+0\s+0\s+\d+\.\d s\s+(read|score|write|Concatenate)$", lines[1]);
        Assert.Matches(@"mixed\s+failed\s+0\s+0\s+0\s+0\s+\d+\.\d s\s+-\s+Job 'mixed': .*not a readable Parquet file", lines[2]);
        Assert.Contains("No runs of 'other' are recorded", (await OperationsJobs.InvokeAsync(settings, "history", "other")).Output);
        // Job names match as `run` matches them, ignoring case; a name no job has says so.
        Assert.Contains("mixed  succeeded", (await OperationsJobs.InvokeAsync(settings, "history", "MIXED")).Output);
        Assert.Contains("(no such job is configured)", (await OperationsJobs.InvokeAsync(settings, "history", "nosuch")).Output);
    }

    [Fact]
    public async Task History_with_stages_shows_a_line_per_stage_under_each_run()
    {
        using var dir = new TempDirectory();
        var settings = OperationsJobs.Settings(dir, "staged");
        await OperationsJobs.MakeGoodAsync(dir, "staged");
        Assert.Equal(0, (await OperationsJobs.InvokeAsync(settings, "run", "staged")).Exit);

        var (exit, output) = await OperationsJobs.InvokeAsync(settings, "history", "staged", "--stages");
        var (_, plain) = await OperationsJobs.InvokeAsync(settings, "history", "staged");

        Assert.True(exit == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Matches(@"^\S.*staged\s+succeeded\s+300", lines[1]);
        var stages = lines.Skip(2).ToList();
        Assert.Equal(["read", "score", "write"], stages.Select(l => l.Trim().Split(new[] { ':', ' ' })[0]));
        Assert.All(stages, l => Assert.Matches(@"^    \S+( \(bottleneck\))?: busy \d+\.\d{3} s, cpu (\d+\.\d{3}|-) s, rows 300, bytes (\d+|-), input wait \d+\.\d{3} s, output wait \d+\.\d{3} s$", l));
        Assert.Single(stages, l => l.Contains("(bottleneck)", StringComparison.Ordinal));
        Assert.Equal(2, plain.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_job_still_runs_when_its_history_cannot_be_written()
    {
        using var dir = new TempDirectory();
        var settings = OperationsJobs.Settings(dir, "unrecorded");
        await File.WriteAllTextAsync(dir.Combine("state"), "a file where the state directory should be");
        await OperationsJobs.MakeGoodAsync(dir, "unrecorded");

        var (exit, output) = await OperationsJobs.InvokeAsync(settings, "run", "unrecorded");

        Assert.True(exit == 0, output);
        Assert.Contains("300 rows out", output);
        var (historyExit, history) = await OperationsJobs.InvokeAsync(settings, "history");
        Assert.Equal(WorkerCommandLine.Failed, historyExit);
        Assert.Contains($"The run history in '{dir.Combine("state")}' cannot be used", history);
        Assert.DoesNotContain("   at ", history);
    }

    [Fact]
    public async Task A_scheduled_job_that_missed_its_window_is_unhealthy_until_it_runs()
    {
        using var dir = new TempDirectory();
        var settings = OperationsJobs.Settings(dir, "minutely", schedule: "0 * * * * ?");
        settings["MlNetBatch:Health:MissedScheduleTolerance"] = "00:00:30";
        await OperationsJobs.MakeGoodAsync(dir, "minutely");
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        var output = new StringWriter();
        Action<IServiceCollection> withClock = services => services.AddSingleton<TimeProvider>(clock);

        // The service records since when it schedules the job; a fire time before that cannot have been missed.
        using (var host = WorkerHost.CreateBuilder([], configFile: null, withScheduler: true, JobConfiguration.With(settings)).Build())
        {
            await host.StartAsync();
            await host.StopAsync();
        }

        var (justStarted, startReport) = await InvokeAsync(settings, withClock, "status");
        Assert.True(justStarted == 0, startReport);
        Assert.Contains("missed-schedules: Healthy", startReport);

        // Three minutes on, the service is gone and nothing ran: at least two fire times are more than 30 s past.
        clock.Now += TimeSpan.FromMinutes(3);
        var (missed, missedReport) = await InvokeAsync(settings, withClock, "status");
        Assert.True(missed == WorkerCommandLine.Failed, missedReport);
        Assert.Contains("missed-schedules: Unhealthy", missedReport);
        Assert.Matches(@"minutely: was due at .* \('0 \* \* \* \* \?'\) and has not run since", missedReport);

        Assert.Equal(0, (await InvokeAsync(settings, withClock, "run", "minutely")).Exit);
        var (ran, ranReport) = await InvokeAsync(settings, withClock, "status");
        Assert.True(ran == 0, ranReport);
    }

    [Fact]
    public async Task Invalid_history_health_and_telemetry_settings_are_reported_together_with_their_paths()
    {
        using var dir = new TempDirectory();
        var settings = OperationsJobs.Settings(dir, "any");
        await OperationsJobs.MakeGoodAsync(dir, "any");
        settings["MlNetBatch:History:KeepRuns"] = "0";
        settings["MlNetBatch:Health:FailedRuns"] = "many";
        settings["MlNetBatch:Telemetry:Prometheus:Port"] = "9464";
        settings["MlNetBatch:Telemetry:Prometheus:Host"] = "0.0.0.0";
        settings["MlNetBatch:Telemetry:Otlp:Endpont"] = "http://localhost:4317";

        var (exit, output) = await OperationsJobs.InvokeAsync(settings, "validate");

        Assert.True(exit == WorkerCommandLine.Failed, output);
        Assert.Contains("MlNetBatch:History:KeepRuns: 0 must be at least 1.", output);
        Assert.Contains("MlNetBatch:Health:FailedRuns", output);
        Assert.Contains("many", output);
        Assert.Contains("MlNetBatch:Telemetry:Prometheus:Host: '0.0.0.0' is not a loopback address", output);
        Assert.Contains("MlNetBatch:Telemetry:Otlp:Endpont: unknown setting 'Endpont'; did you mean 'Endpoint'?", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task An_invalid_job_makes_status_degraded_with_a_line_naming_it_not_a_failure_of_the_whole_report()
    {
        using var dir = new TempDirectory();
        var settings = OperationsJobs.Settings(dir, "good");
        foreach (var (key, value) in OperationsJobs.Settings(dir, "broken"))
        {
            settings[key] = value;
        }

        settings["MlNetBatch:Jobs:broken:Model:ModelPath"] = dir.Combine("missing.onnx");
        settings["MlNetBatch:Health:FailedRuns"] = "1";
        await OperationsJobs.MakeGoodAsync(dir, "good");

        var (degraded, report) = await OperationsJobs.InvokeAsync(settings, "status");

        Assert.True(degraded == 0, report);
        Assert.StartsWith("Degraded", report);
        Assert.Contains("failing-jobs: Healthy", report);
        Assert.Contains("invalid-jobs: Degraded - 1 job(s) are invalid and not run; the others are: broken", report);
        var line = Assert.Single(report.Split('\n'), l => l.StartsWith("  broken: ", StringComparison.Ordinal));
        Assert.Contains($"MlNetBatch:Jobs:broken:Model:ModelPath: model file '{dir.Combine("missing.onnx")}' does not exist.", line);

        // Unhealthy still fails the command, with the invalid job reported beside it.
        await OperationsJobs.MakeBrokenAsync(dir, "good");
        Assert.Equal(WorkerCommandLine.Failed, (await OperationsJobs.InvokeAsync(settings, "run", "good")).Exit);
        var (unhealthy, unhealthyReport) = await OperationsJobs.InvokeAsync(settings, "status");
        Assert.True(unhealthy == WorkerCommandLine.Failed, unhealthyReport);
        Assert.StartsWith("Unhealthy", unhealthyReport);
        Assert.Contains("  broken: ", unhealthyReport);

        // A setting every job shares is the configuration's failure: one line, exit 1.
        settings["MlNetBatch:Health:FailedRuns"] = "0";
        var (shared, sharedOutput) = await OperationsJobs.InvokeAsync(settings, "status");
        Assert.Equal(WorkerCommandLine.Failed, shared);
        var sharedLine = Assert.Single(sharedOutput.TrimEnd().Split('\n'));
        Assert.StartsWith("The configuration is invalid: ", sharedLine);
        Assert.Contains("MlNetBatch:Health:FailedRuns", sharedLine);
    }

    private static async Task<(int Exit, string Output)> InvokeAsync(Dictionary<string, string?> settings, Action<IServiceCollection> services, params string[] args)
    {
        var output = new StringWriter();
        var exit = await WorkerCommandLine.Create(JobConfiguration.With(settings), output, services).Parse(args).InvokeAsync();
        return (exit, output.ToString());
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
