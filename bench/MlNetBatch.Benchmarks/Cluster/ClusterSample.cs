namespace MlNetBatch.Benchmarks.Cluster;

/// <summary>
/// One timed run of the benchmark's job. <see cref="Wall"/> covers the same work in every setting: planning, loading
/// the model, scoring and committing every partition, and finishing the output (manifest, <c>_SUCCESS</c>). The
/// cluster figures from the database are null for a plain run.
/// </summary>
/// <param name="Partitions">The job's partitions.</param>
/// <param name="Rows">The job's rows.</param>
/// <param name="Wall">Plain: the run command's own elapsed time. Clustered: from the cron fire time to the run's <c>ended_at</c>.</param>
/// <param name="CommitSpan">From the first partition's commit to the last's: the steady state, without the run's start and end.</param>
/// <param name="ToFirstClaim">Clustered: from the fire time to the first partition's claim (planning, then a node noticing the run).</param>
/// <param name="Planning">Clustered: from the fire time to the run's row (<c>started_at</c>): planning on the node that fired.</param>
/// <param name="ClaimGapsMs">Clustered: per partition, from its node's previous commit to its claim, in milliseconds.</param>
/// <param name="PartitionMs">Clustered: per partition, from its claim to its commit (scoring and writing), in milliseconds.</param>
/// <param name="Nodes">Clustered: how many nodes committed partitions.</param>
internal sealed record ClusterSample(
    int Partitions, long Rows, TimeSpan Wall, TimeSpan CommitSpan, TimeSpan? ToFirstClaim = null, IReadOnlyList<double>? ClaimGapsMs = null,
    IReadOnlyList<double>? PartitionMs = null, int Nodes = 1, TimeSpan? Planning = null)
{
    public double RowsPerSecond => Rows / Wall.TotalSeconds;

    /// <summary>Partitions committed per second over the whole run.</summary>
    public double PartitionsPerSecond => Partitions / Wall.TotalSeconds;

    /// <summary>Partitions committed per second in the steady state: between the first commit and the last.</summary>
    public double SteadyPartitionsPerSecond => (Partitions - 1) / CommitSpan.TotalSeconds;

    /// <summary>The sample of a clustered run, from the fire time the bench scheduled and the cluster's tables.</summary>
    public static ClusterSample FromTables(int partitions, long rows, DateTime fireUtc, DateTime startedUtc, DateTime endedUtc, IReadOnlyList<PartitionTimes> times)
    {
        var gaps = new List<double>();
        foreach (var partition in times)
        {
            // The slot this claim filled was freed by the node's latest commit before it; a node's first claims had none.
            var previous = times.Where(t => t.Node == partition.Node && t.CommittedAt <= partition.ClaimedAt).Select(t => t.CommittedAt).DefaultIfEmpty().Max();
            if (previous != default)
            {
                gaps.Add((partition.ClaimedAt - previous).TotalMilliseconds);
            }
        }

        var firstClaim = times.Min(t => t.ClaimedAt);
        return new ClusterSample(
            partitions, rows, endedUtc - fireUtc, times.Max(t => t.CommittedAt) - times.Min(t => t.CommittedAt), firstClaim - fireUtc, gaps,
            times.Select(t => (t.CommittedAt - t.ClaimedAt).TotalMilliseconds).ToList(), times.Select(t => t.Node).Distinct().Count(), startedUtc - fireUtc);
    }
}
