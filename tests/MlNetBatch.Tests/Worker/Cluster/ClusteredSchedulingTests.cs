using System.Globalization;
using System.Text.RegularExpressions;
using MlNetBatch.Tests.Jobs.Commit;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Worker.Cluster;

/// <summary>
/// Real worker processes sharing Quartz's clustered job store on a real PostgreSQL: a scheduled job fires once per
/// fire time across the nodes, and <c>cluster status</c> lists the nodes.
/// </summary>
public partial class ClusteredSchedulingTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_cron_job_fires_once_per_fire_time_across_three_nodes()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1, rows: 200);
        var config = await WriteClusterConfigAsync(dir, schedule: "0/3 * * * * ?");
        var environment = new Dictionary<string, string> { ["MLNETBATCH_CLUSTER_CONNECTION"] = await postgres.Server.CreateDatabaseAsync() };
        var workers = Enumerable.Range(0, 3)
            .Select(i => WorkerProcess.Start(dir.Path, new Dictionary<string, string>(environment) { ["MlNetBatch__Cluster__NodeId"] = $"node-{i}" }, "--config", config))
            .ToList();
        try
        {
            // Long enough for several fire times once the nodes have started and made the tables.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline && FireTimes(workers).Count < 5 && !workers.Any(w => w.HasExited))
            {
                await Task.Delay(500);
            }

            Assert.False(workers.Any(w => w.HasExited), "a worker exited: " + string.Join("\n----\n", workers.Select(w => w.Output)));
            var (status, statusOutput) = await WorkerProcess.RunAsync(dir.Path, environment, "cluster", "status", "--config", config);
            Assert.True(status == 0, statusOutput);
            Assert.Contains("3 node(s)", statusOutput);
            Assert.All(Enumerable.Range(0, 3), i => Assert.Contains($"node-{i}: last check-in", statusOutput));
        }
        finally
        {
            workers.ForEach(w => w.Kill());
            foreach (var worker in workers)
            {
                await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
        }

        var fired = FireTimes(workers);
        var output = string.Join("\n----\n", workers.Select(w => w.Output));
        Assert.True(fired.Count >= 5, $"only {fired.Count} fire times were seen: {output}");
        // Once each: a fire time taken by two nodes would appear twice.
        Assert.Equal(fired.Count, fired.Distinct().Count());
        Assert.All(fired, time => Assert.Equal(0, time.Second % 3));
        Assert.DoesNotContain("[ERR]", output);
        // Every line names its node (a node that fired nothing may have logged nothing at these levels).
        var logged = 0;
        for (var i = 0; i < 3; i++)
        {
            var lines = workers[i].Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('[')).ToList();
            logged += lines.Count;
            Assert.All(lines, line => Assert.Contains($"] [node-{i}] ", line, StringComparison.Ordinal));
        }

        Assert.True(logged >= fired.Count, $"{logged} log lines for {fired.Count} fire times");
    }

    [Fact]
    public async Task Workers_go_on_firing_once_per_fire_time_after_PostgreSQL_restarts()
    {
        // A server of its own: stopping the shared one would break the other tests of the class.
        await using var server = await PostgresServer.StartAsync();
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1, rows: 200);
        var config = await WriteClusterConfigAsync(dir, schedule: "0/2 * * * * ?");
        var environment = new Dictionary<string, string> { ["MLNETBATCH_CLUSTER_CONNECTION"] = await server.CreateDatabaseAsync() };
        var workers = Enumerable.Range(0, 2)
            .Select(i => WorkerProcess.Start(dir.Path, new Dictionary<string, string>(environment) { ["MlNetBatch__Cluster__NodeId"] = $"node-{i}" }, "--config", config))
            .ToList();
        try
        {
            Assert.True(await WaitForFireTimesAsync(workers, times => times.Count >= 2), "no fire time before the restart: " + Outputs(workers));
            await server.StopServerAsync();
            await Task.Delay(TimeSpan.FromSeconds(5));
            await server.StartServerAsync();
            var up = DateTimeOffset.UtcNow;
            // Fire times after the restart, not a count: the ones missed while the server was down are fired late
            // once it is back (they are within Quartz's misfire threshold), so a count is met before the schedule goes on.
            Assert.True(await WaitForFireTimesAsync(workers, times => times.Count(time => time > up) >= 2), "no fire time after the restart: " + Outputs(workers));
            Assert.False(workers.Any(w => w.HasExited), "a worker exited: " + Outputs(workers));
            var fired = FireTimes(workers);
            Assert.Equal(fired.Count, fired.Distinct().Count());
        }
        finally
        {
            workers.ForEach(w => w.Kill());
            foreach (var worker in workers)
            {
                await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
        }
    }

    [Fact]
    public async Task A_command_line_run_that_cannot_ask_the_cluster_database_whether_the_job_is_running_is_refused_with_one_line()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1, rows: 10);
        var config = await WriteClusterConfigAsync(dir, schedule: "0 0 3 * * ?");
        // Nothing listens on port 1: the run cannot know whether the cluster is writing the same output.
        var environment = new Dictionary<string, string> { ["MLNETBATCH_CLUSTER_CONNECTION"] = "Host=127.0.0.1;Port=1;Timeout=3" };

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, environment, "run", "clustered", "--config", config);

        Assert.Equal(1, exit);
        Assert.Contains("Job 'clustered': clustering is on and the cluster database cannot be read to check for a run in progress (", output);
        Assert.Contains("nothing was run", output);
        Assert.DoesNotContain("   at ", output);
        Assert.False(Directory.Exists(dir.Combine("out")), "the refused run wrote output");
    }

    [Fact]
    public async Task Clustering_without_a_connection_string_stops_the_service_with_one_line()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1, rows: 10);
        var config = await WriteClusterConfigAsync(dir, schedule: "0 0 3 * * ?");
        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, new Dictionary<string, string> { ["MLNETBATCH_CLUSTER_CONNECTION"] = string.Empty }, "--config", config);
        Assert.Equal(1, exit);
        Assert.Contains("MlNetBatch:Cluster: clustering is enabled but no connection string was found: set the environment variable MLNETBATCH_CLUSTER_CONNECTION", output);
        Assert.DoesNotContain("   at ", output);
    }

    private static async Task<bool> WaitForFireTimesAsync(IReadOnlyList<WorkerProcess> workers, Func<List<DateTimeOffset>, bool> enough)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !workers.Any(w => w.HasExited))
        {
            if (enough(FireTimes(workers)))
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    private static string Outputs(IEnumerable<WorkerProcess> workers) => string.Join("\n----\n", workers.Select(w => w.Output));

    /// <summary>The scheduled fire times the workers' log lines report, over all workers.</summary>
    private static List<DateTimeOffset> FireTimes(IEnumerable<WorkerProcess> workers) =>
        workers.SelectMany(w => FiredLine().Matches(w.Output)).Select(m => DateTimeOffset.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    private static async Task<string> WriteClusterConfigAsync(TempDirectory dir, string schedule)
    {
        var config = await TabularJobs.WriteConfigAsync(dir, "clustered", dir.Combine("in", "*.parquet"), dir.Combine("out"), leaseDuration: "00:00:20");
        var text = await File.ReadAllTextAsync(config);
        text = text.Replace("\"Execution\":", $"\"Schedule\": \"{schedule}\", \"Execution\":", StringComparison.Ordinal)
            .Replace("\"MlNetBatch\": {", "\"MlNetBatch\": { \"Cluster\": { \"Enabled\": true, \"CheckInInterval\": \"00:00:01\", \"IdleWaitTime\": \"00:00:01\" },", StringComparison.Ordinal)
            .Replace("\"MinimumLevel\": { \"Default\": \"Warning\" }", "\"MinimumLevel\": { \"Default\": \"Warning\", \"Override\": { \"MlNetBatch.Worker.Scheduling\": \"Information\" } }, \"WriteTo\": [ { \"Name\": \"Console\" } ]", StringComparison.Ordinal);
        await File.WriteAllTextAsync(config, text);
        return config;
    }

    [GeneratedRegex(@"Job ""?clustered""? fired for ([0-9T:\-\.\+Z]+) on node")]
    private static partial Regex FiredLine();
}
