using Npgsql;

namespace MlNetBatch.Benchmarks.Cluster;

/// <summary>
/// What a cluster's database says of its nodes and of the one run the bench started: Quartz's check-ins, the run's
/// row and its partitions' claim and commit times (the worker's tables with the default <c>qrtz_</c> prefix).
/// </summary>
internal sealed class ClusterTables(string connectionString)
{
    /// <summary>How many nodes have checked in; 0 before Quartz has made its tables.</summary>
    public async Task<int> CheckedInNodesAsync()
    {
        try
        {
            return (int)(await QueryAsync("SELECT count(*) FROM qrtz_scheduler_state", r => r.GetInt64(0)))[0];
        }
        catch (PostgresException)
        {
            return 0;
        }
    }

    /// <summary>The run's state and its start and end (UTC), or null before a node has planned it.</summary>
    public async Task<(string State, DateTime StartedAt, DateTime? EndedAt)?> RunAsync()
    {
        try
        {
            var runs = await QueryAsync("SELECT state, started_at, ended_at FROM qrtz_mlnetbatch_runs", r => (r.GetString(0), r.GetDateTime(1), r.IsDBNull(2) ? (DateTime?)null : r.GetDateTime(2)));
            return runs.Count == 0 ? null : runs[0];
        }
        catch (PostgresException)
        {
            return null;
        }
    }

    /// <summary>
    /// Each committed partition: the node that committed it, when it was claimed (the database's clock, kept by
    /// <c>heartbeat_at</c> while no renewal moves it) and when that node committed it (from its commit record).
    /// </summary>
    public Task<IReadOnlyList<PartitionTimes>> PartitionsAsync() =>
        QueryAsync(
            "SELECT committed_by, heartbeat_at, (record->>'CommittedAt')::timestamptz FROM qrtz_mlnetbatch_partitions WHERE state = 'committed' ORDER BY ordinal",
            r => new PartitionTimes(r.GetString(0), r.GetDateTime(1), r.GetDateTime(2)));

    private Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read) => MlNetBatch.Testing.Postgres.PostgresQuery.RowsAsync(connectionString, sql, read);
}

/// <summary>One committed partition's node, claim time and commit time (UTC).</summary>
internal sealed record PartitionTimes(string Node, DateTime ClaimedAt, DateTime CommittedAt);
