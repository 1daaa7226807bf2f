using MlNetBatch.Testing.Postgres;

namespace MlNetBatch.Benchmarks.Cluster;

/// <summary>
/// What clustering costs (<c>--cluster [runs] [partitions] [partition rows] [tiny partitions]</c>): one job on one
/// node with the <c>run</c> command, on one clustered node, and on three clustered nodes (real worker processes on a
/// throwaway PostgreSQL), interleaved run by run; then the same on tiny partitions, for how many partitions a second
/// the cluster hands out. On a machine of few cores more nodes add no compute: the differences are coordination.
/// </summary>
internal static class ClusterBenchmark
{
    /// <summary>The settings compared: 0 nodes is the plain <c>run</c> command.</summary>
    private static readonly (string Label, int Nodes)[] Settings = [("1 node, run command", 0), ("1 node, clustered", 1), ("3 nodes, clustered", 3)];

    private const int TinyRows = 10;

    public static async Task RunAsync(string work, int runs, int partitions, int partitionRows, int tinyPartitions)
    {
        // Every node, and the run command, scores as many partitions at a time as there are cores (the default).
        var parallelism = Environment.ProcessorCount;
        var model = BenchInputs.WriteModel(work);
        var job = await ClusterBenchJob.WriteAsync(Path.Combine(work, "job"), model, partitions, partitionRows);
        var tiny = await ClusterBenchJob.WriteAsync(Path.Combine(work, "tiny"), model, tinyPartitions, TinyRows);
        Console.WriteLine($"Cluster benchmark: {runs} runs of each setting; {partitions} partitions of {partitionRows:N0} rows ({job.Rows:N0} rows), then {tinyPartitions} partitions of {TinyRows} rows;");
        Console.WriteLine($"  the sample tabular model, Parallelism {parallelism} per node, {Environment.ProcessorCount} cores; load average at start: {LoadAverage()}");
        await using var server = await PostgresServer.StartAsync();
        var cluster = new ClusterRuns(server);
        var samples = Settings.ToDictionary(s => s.Nodes, _ => new List<ClusterSample>());
        var tinySamples = Settings.ToDictionary(s => s.Nodes, _ => new List<ClusterSample>());
        for (var run = 1; run <= runs; run++)
        {
            // Interleaved, so that a change in the machine's load falls on every setting alike.
            foreach (var (label, nodes) in Settings)
            {
                samples[nodes].Add(Print($"run {run}, {label}", await RunAsync(cluster, job, work, nodes, parallelism)));
            }

            foreach (var (label, nodes) in Settings)
            {
                tinySamples[nodes].Add(Print($"run {run}, tiny, {label}", await RunAsync(cluster, tiny, work, nodes, parallelism)));
            }
        }

        Console.WriteLine($"  load average at end: {LoadAverage()}");
        ClusterReport.Print(Settings, samples, tinySamples, job, tiny);
    }

    private static Task<ClusterSample> RunAsync(ClusterRuns cluster, ClusterBenchJob job, string work, int nodes, int parallelism) =>
        nodes == 0 ? cluster.PlainAsync(job, work, parallelism) : cluster.ClusterAsync(job, work, nodes, parallelism);

    private static ClusterSample Print(string what, ClusterSample sample)
    {
        var cluster = sample.ClaimGapsMs is { } gaps
            ? $"; fire to run row {sample.Planning!.Value.TotalMilliseconds:N0} ms, to first claim {sample.ToFirstClaim!.Value.TotalMilliseconds:N0} ms, claim gap median {Spread.Of(gaps).Median:N1} ms, partition median {Spread.Of(sample.PartitionMs!).Median:N1} ms, {sample.Nodes} node(s) committed"
            : string.Empty;
        Console.WriteLine($"  {what,-34} {sample.Wall.TotalSeconds,7:N2} s {sample.RowsPerSecond,12:N0} rows/s {sample.SteadyPartitionsPerSecond,8:N1} partitions/s between first and last commit{cluster}");
        return sample;
    }

    /// <summary>The 1, 5 and 15-minute load averages: how busy the shared machine was.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
