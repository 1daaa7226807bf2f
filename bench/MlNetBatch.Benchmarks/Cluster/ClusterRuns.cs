using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Testing.Postgres;

namespace MlNetBatch.Benchmarks.Cluster;

/// <summary>
/// Runs the benchmark's job once: plainly with the <c>run</c> command, or on a cluster of real worker processes
/// sharing a fresh database on the throwaway PostgreSQL, whose schedule fires once when every node has started.
/// </summary>
internal sealed partial class ClusterRuns(PostgresServer server)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    // The fire time must fall after every node has started: workers start slowly on a busy machine, so the lead
    // grows with the slowest start seen.
    private TimeSpan _lead = TimeSpan.FromSeconds(12);
    private int _count;

    /// <summary>The <c>run</c> command on one node, timed by its own summary (planning to <c>_SUCCESS</c>).</summary>
    public async Task<ClusterSample> PlainAsync(ClusterBenchJob job, string folder, int parallelism)
    {
        var run = Directory.CreateDirectory(Path.Combine(folder, $"run-{++_count}")).FullName;
        try
        {
            var config = job.WritePlainConfig(Path.Combine(run, "plain.json"), Path.Combine(run, "out"), parallelism);
            var output = await BenchWorker.RunAsync(run, RunTimeout, "run", ClusterBenchJob.Name, "--config", config);
            var elapsed = ElapsedSeconds().Match(output);
            if (!elapsed.Success)
            {
                throw new InvalidOperationException($"the run command printed no summary: {output}");
            }

            // The manifest's commit times give the plain run's steady state, as the cluster's tables give a cluster's.
            var manifest = JsonSerializer.Deserialize<JobManifest>(await File.ReadAllTextAsync(Path.Combine(run, "out", "_manifest.json")))!;
            var commits = manifest.Partitions.Values.Select(p => p.CommittedAt).ToList();
            var wall = TimeSpan.FromSeconds(double.Parse(elapsed.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture));
            return new ClusterSample(job.Partitions, job.Rows, wall, commits.Max() - commits.Min());
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }

    /// <summary>One scheduled run on <paramref name="nodes"/> worker processes, timed from its fire time by the cluster's tables.</summary>
    public async Task<ClusterSample> ClusterAsync(ClusterBenchJob job, string folder, int nodes, int parallelism)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ClusterOnceAsync(job, folder, nodes, parallelism);
            }
            catch (LateStartException e) when (attempt < 3)
            {
                Console.WriteLine($"    (the nodes started {e.Startup.TotalSeconds:N1} s after launch, after the fire time: again with a lead of {_lead.TotalSeconds:N0} s)");
            }
        }
    }

    private async Task<ClusterSample> ClusterOnceAsync(ClusterBenchJob job, string folder, int nodes, int parallelism)
    {
        var run = Directory.CreateDirectory(Path.Combine(folder, $"run-{++_count}")).FullName;
        var connection = await server.CreateDatabaseAsync();
        var launched = DateTime.Now;
        // Cron has whole seconds: the first whole second after the lead.
        var fire = launched.AddTicks(-(launched.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1) + _lead;
        var config = job.WriteClusterConfig(Path.Combine(run, "cluster.json"), Path.Combine(run, "out"), parallelism, fire);
        var workers = new List<BenchWorker>();
        try
        {
            for (var n = 0; n < nodes; n++)
            {
                workers.Add(BenchWorker.Start(run, new Dictionary<string, string>
                {
                    ["MLNETBATCH_CLUSTER_CONNECTION"] = connection,
                    ["MlNetBatch__Cluster__NodeId"] = $"node-{n}",
                }, "--config", config));
            }

            var tables = new ClusterTables(connection);
            await WaitAsync(workers, async () => await tables.CheckedInNodesAsync() >= nodes, "every node to check in");
            var startup = DateTime.Now - launched;
            _lead = TimeSpan.FromSeconds(Math.Max(_lead.TotalSeconds, Math.Ceiling(startup.TotalSeconds * 1.5) + 2));
            if (DateTime.Now > fire.AddMilliseconds(-500))
            {
                throw new LateStartException(startup);
            }

            await WaitAsync(workers, async () => (await tables.RunAsync())?.EndedAt is not null, "the run to end");
            var ended = await tables.RunAsync();
            if (ended?.State != "succeeded")
            {
                throw new InvalidOperationException($"the cluster run ended {ended?.State}: {Outputs(workers)}");
            }

            var partitions = await tables.PartitionsAsync();
            return partitions.Count == job.Partitions
                ? ClusterSample.FromTables(job.Partitions, job.Rows, fire.ToUniversalTime(), ended.Value.StartedAt, ended.Value.EndedAt!.Value, partitions)
                : throw new InvalidOperationException($"{partitions.Count} of {job.Partitions} partitions committed: {Outputs(workers)}");
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
            Directory.Delete(run, recursive: true);
        }
    }

    private static async Task WaitAsync(IReadOnlyList<BenchWorker> workers, Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + RunTimeout;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline || workers.Any(w => w.HasExited))
            {
                throw new InvalidOperationException($"gave up waiting for {what}: {Outputs(workers)}");
            }

            await Task.Delay(Poll);
        }
    }

    private static string Outputs(IEnumerable<BenchWorker> workers) => string.Join("\n----\n", workers.Select(w => w.Output));

    // JobRunSummary.ToString: "…, 1,234,567 rows/s, 4.56 s; output in …".
    [GeneratedRegex(@"rows/s, ([0-9][0-9.,]*) s; output in")]
    private static partial Regex ElapsedSeconds();

    /// <summary>The nodes checked in after the fire time: the run would be timed from a late start.</summary>
    private sealed class LateStartException(TimeSpan startup) : Exception("the nodes started after the fire time")
    {
        public TimeSpan Startup => startup;
    }
}
