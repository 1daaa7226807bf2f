using Npgsql;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>For <c>cluster status</c>: each run in progress with its partitions committed, and the partitions each node is scoring.</summary>
internal static class ClusterRunProgress
{
    /// <summary>One run in progress.</summary>
    public sealed record Run(string RunId, string Job, string State, string PlannedBy, int Committed, int Total, IReadOnlyDictionary<string, IReadOnlyList<string>> InFlightByNode);

    /// <summary>The runs in progress in <paramref name="options"/>' cluster; none when the cluster never ran one (no tables yet).</summary>
    public static async Task<IReadOnlyList<Run>> ReadAsync(ClusterOptions options, string connectionString, CancellationToken cancellationToken)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        var store = new ClusterRunStore(database, options.Name, options.TablePrefix);
        IReadOnlyList<ClusterRunRow> active;
        try
        {
            active = await store.ActiveRunsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return [];
        }

        var runs = new List<Run>();
        foreach (var run in active)
        {
            var partitions = await store.PartitionsAsync(run.RunId, cancellationToken).ConfigureAwait(false);
            var inFlight = partitions.Where(p => p is { State: ClusterStates.Claimed, Owner: not null }).GroupBy(p => p.Owner!)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(p => p.PartitionId).ToList(), StringComparer.Ordinal);
            runs.Add(new Run(run.RunId, run.Job, run.State, run.PlannedBy, partitions.Count(p => p.State == ClusterStates.Committed), partitions.Count, inFlight));
        }

        return runs;
    }
}
