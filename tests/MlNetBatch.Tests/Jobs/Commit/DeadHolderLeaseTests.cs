using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>
/// A crashed run's lease on its own host is taken over at once (systemd restarts the worker within seconds); a live
/// holder, a holder on another host and a reused pid are told apart by the host name, pid and process start time.
/// </summary>
public class DeadHolderLeaseTests(CleanTabularRunFixture cleanRun) : IClassFixture<CleanTabularRunFixture>
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_run_started_at_once_after_a_SIGKILL_takes_over_the_dead_runs_lease_and_writes_exactly_once()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, CleanTabularRunFixture.Files, CleanTabularRunFixture.Rows);
        var config = await TabularJobs.WriteConfigAsync(dir, "crashing", dir.Combine("in", "*.parquet"), dir.Combine("out"), parallelism: 1, leaseDuration: "00:10:00");
        var marker = dir.Combine("halted");
        int deadPid;
        using (var worker = WorkerProcess.StartHalting(dir.Path, JobPoint.DuringScoring, 3, marker, "run", "crashing", "--config", config))
        {
            Assert.True(await worker.WaitForFileAsync(marker, TimeSpan.FromMinutes(2)), $"the worker never started scoring: {worker.Output}");
            deadPid = worker.Id;
            worker.Kill();
            await worker.WaitForExitAsync(TimeSpan.FromMinutes(1));
        }

        var lease = JsonNode.Parse(await File.ReadAllTextAsync(dir.Combine("out", OutputLease.LeaseName)))!;
        Assert.Equal(deadPid, (int)lease["Pid"]!);
        Assert.True(lease["ExpiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5), "the dead run's lease should still be far from expiring");

        var clock = Stopwatch.StartNew();
        // The job files log warnings only, and to nowhere: the takeover's line is wanted on the console.
        var logToConsole = new Dictionary<string, string> { ["Serilog__WriteTo__0__Name"] = "Console" };
        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, logToConsole, "run", "crashing", "--config", config);
        clock.Stop();

        Assert.True(exit == 0, output);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"the second run took {clock.Elapsed}, as if it had waited for the lease");
        Assert.True(output.Contains($"pid {deadPid} is no longer running", StringComparison.Ordinal), output);
        Assert.Contains("taking over the lease", output);
        Assert.True(File.Exists(dir.Combine("out", "_SUCCESS")));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 1200));
        Assert.Equal(cleanRun.Scores, ExactlyOnceTests.ScoresById(new MLContext(), dir.Combine("out")));
    }

    [Fact]
    public async Task A_lease_whose_pid_now_belongs_to_a_process_started_at_another_time_is_taken_over()
    {
        using var dir = new TempDirectory();
        // This test process is alive under that pid, but it was not the holder: the holder started an hour earlier.
        using var self = Process.GetCurrentProcess();
        await WriteLeaseAsync(dir, Environment.MachineName, Environment.ProcessId, self.StartTime.ToUniversalTime() - TimeSpan.FromHours(1));
        var logger = new RecordingLogger();

        await using var lease = await AcquireAsync(dir, logger);

        Assert.Contains(logger.Messages, m => m.Contains($"pid {Environment.ProcessId} now belongs to another process", StringComparison.Ordinal));
        Assert.StartsWith($"{Environment.MachineName}/pid {Environment.ProcessId}/", lease.Holder, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_holder_on_this_host_still_blocks_with_the_usual_message()
    {
        using var dir = new TempDirectory();
        using var self = Process.GetCurrentProcess();
        await WriteLeaseAsync(dir, Environment.MachineName, Environment.ProcessId, self.StartTime.ToUniversalTime());

        var error = await Assert.ThrowsAsync<OutputLeasedException>(() => AcquireAsync(dir, new RecordingLogger()));

        Assert.Contains("is in use by another run", error.Message);
        Assert.Contains($"pid {Environment.ProcessId}", error.Message);
    }

    [Fact]
    public async Task A_lease_held_on_another_host_keeps_the_expiry_rule_even_when_its_pid_is_free_here()
    {
        using var dir = new TempDirectory();
        var deadPid = await ExitedProcessIdAsync();
        await WriteLeaseAsync(dir, "another-host", deadPid, DateTime.UtcNow - TimeSpan.FromMinutes(1));

        var error = await Assert.ThrowsAsync<OutputLeasedException>(() => AcquireAsync(dir, new RecordingLogger()));

        Assert.Contains("another-host", error.Message);
    }

    [Fact]
    public async Task A_live_holder_whose_start_time_moved_with_a_clock_step_is_not_taken_for_dead()
    {
        // This process holds the lease; the wall clock has since been stepped an hour, so its start time, derived from
        // the clock, no longer matches the one recorded. The kernel's start ticks still do.
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("out"));
        var self = LeaseHolderProcess.Current;
        var record = new
        {
            Holder = $"{self.Host}/pid {self.Pid}/run live",
            Job = "lease-test",
            ExpiresAt = DateTimeOffset.UtcNow + LongLease,
            Host = self.Host,
            Namespace = self.Namespace,
            Pid = self.Pid,
            ProcessStartedAt = self.StartedAt.AddHours(1),
            ProcessStartTicks = self.StartTicks,
        };
        await File.WriteAllTextAsync(dir.Combine("out", OutputLease.LeaseName), JsonSerializer.Serialize(record));

        await Assert.ThrowsAsync<OutputLeasedException>(() => AcquireAsync(dir, new RecordingLogger()));
        Assert.NotNull(self.StartTicks);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000/pid:[1]")]
    [InlineData(null)]
    public async Task A_lease_from_another_pid_namespace_under_the_same_host_name_keeps_the_expiry_rule(string? pidNamespace)
    {
        // Containers sharing a host name (host networking, an Indexed Job pod's retry) do not share pids: a pid free
        // here says nothing about the holder. A lease recorded without a namespace is not taken over early either.
        using var dir = new TempDirectory();
        var deadPid = await ExitedProcessIdAsync();
        await WriteLeaseAsync(dir, Environment.MachineName, deadPid, DateTime.UtcNow - TimeSpan.FromMinutes(1), pidNamespace);

        await Assert.ThrowsAsync<OutputLeasedException>(() => AcquireAsync(dir, new RecordingLogger()));
    }

    [Fact]
    public async Task A_lease_of_a_dead_pid_on_this_host_is_taken_over_at_once_naming_job_output_and_pid()
    {
        using var dir = new TempDirectory();
        var deadPid = await ExitedProcessIdAsync();
        await WriteLeaseAsync(dir, Environment.MachineName, deadPid, DateTime.UtcNow - TimeSpan.FromMinutes(1));
        var logger = new RecordingLogger();

        await using var lease = await AcquireAsync(dir, logger);

        var line = Assert.Single(logger.Messages, m => m.Contains("taking over the lease", StringComparison.Ordinal));
        Assert.Contains("lease-test", line);
        Assert.Contains(dir.Combine("out"), line);
        Assert.Contains($"pid {deadPid} is no longer running", line);
    }

    private static Task<OutputLease> AcquireAsync(TempDirectory dir, ILogger logger) =>
        OutputLease.AcquireAsync(new LocalObjectStore(), ObjectLocation.Local(dir.Combine("out")), "lease-test", null, LongLease, logger, CancellationToken.None);

    /// <summary>A lease as another run would have left it, far from expiring.</summary>
    private static async Task WriteLeaseAsync(TempDirectory dir, string host, int pid, DateTime startedAt, string? pidNamespace = "this one")
    {
        Directory.CreateDirectory(dir.Combine("out"));
        var record = new
        {
            Holder = $"{host}/pid {pid}/run 0123456789abcdef",
            Job = "lease-test",
            ExpiresAt = DateTimeOffset.UtcNow + LongLease,
            Host = host,
            Namespace = pidNamespace == "this one" ? LeaseHolderProcess.Current.Namespace : pidNamespace,
            Pid = pid,
            ProcessStartedAt = new DateTimeOffset(startedAt, TimeSpan.Zero),
        };
        await File.WriteAllTextAsync(dir.Combine("out", OutputLease.LeaseName), JsonSerializer.Serialize(record));
    }

    /// <summary>The pid of a process that has exited (and been reaped), so nothing runs under it now.</summary>
    private static async Task<int> ExitedProcessIdAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages)
            {
                Messages.Add(formatter(state, exception));
            }
        }
    }
}
