using Npgsql;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// Claims on the partitions of a cluster's runs (<see cref="ClusterWorkTables"/>): taken with <c>FOR UPDATE SKIP
/// LOCKED</c>, renewed while in flight, and ended as committed, failed or handed back. Each claim raises the partition's
/// epoch, and every later change names that epoch, so a node whose claim was taken over changes nothing.
/// </summary>
internal sealed class ClusterPartitionClaims(NpgsqlDataSource database, string cluster, string prefix)
{
    private readonly string _runs = ClusterWorkTables.Runs(prefix);
    private readonly string _partitions = ClusterWorkTables.Partitions(prefix);

    /// <summary>
    /// Claims, for <paramref name="claimLifetime"/>, the next partition of a run in progress that is waiting or whose
    /// claim ran out (by the lifetime its owner asked for); null when there is none. Runs in <paramref name="excluded"/>
    /// are passed over.
    /// </summary>
    public async Task<PartitionClaim?> ClaimAsync(string node, IReadOnlyCollection<string> excluded, TimeSpan claimLifetime, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            WITH next AS (
                SELECT p.run_id, p.partition_id, r.job FROM {_partitions} p
                JOIN {_runs} r ON r.cluster = p.cluster AND r.run_id = p.run_id AND r.state = 'running'
                WHERE p.cluster = @cluster AND NOT (p.run_id = ANY(@excluded))
                  AND (p.state = 'pending' OR (p.state = 'claimed' AND p.expires_at < now()))
                ORDER BY r.started_at, p.ordinal
                LIMIT 1 FOR UPDATE OF p SKIP LOCKED)
            UPDATE {_partitions} p SET state = 'claimed', owner = @node, epoch = p.epoch + 1, heartbeat_at = now(), expires_at = now() + @lifetime,
                previous_owner = CASE WHEN p.state = 'claimed' THEN p.owner END
            FROM next WHERE p.cluster = @cluster AND p.run_id = next.run_id AND p.partition_id = next.partition_id
            RETURNING p.run_id, next.job, p.partition_id, p.epoch, p.previous_owner
            """);
        ClusterRunStore.Add(command, ("cluster", cluster), ("node", node));
        command.Parameters.AddWithValue("excluded", excluded.ToArray());
        command.Parameters.AddWithValue("lifetime", claimLifetime);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new PartitionClaim(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4))
            : null;
    }

    /// <summary>
    /// Renews <paramref name="claims"/> for <paramref name="lifetime"/>; returns those still held (the others were taken
    /// over, ended, or belong to a run that is no longer running: a failed run's partitions publish nothing more).
    /// </summary>
    public async Task<IReadOnlySet<PartitionClaim>> RenewAsync(IReadOnlyCollection<PartitionClaim> claims, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var held = new HashSet<PartitionClaim>();
        if (claims.Count == 0)
        {
            return held;
        }

        await using var command = database.CreateCommand($"""
            UPDATE {_partitions} p SET heartbeat_at = now(), expires_at = now() + @lifetime
            FROM unnest(@runs, @ids, @epochs) AS c(run_id, partition_id, epoch), {_runs} r
            WHERE p.cluster = @cluster AND p.run_id = c.run_id AND p.partition_id = c.partition_id AND p.epoch = c.epoch AND p.state = 'claimed'
              AND r.cluster = p.cluster AND r.run_id = p.run_id AND r.state = 'running'
            RETURNING p.run_id, p.partition_id
            """);
        ClusterRunStore.Add(command, ("cluster", cluster));
        command.Parameters.AddWithValue("lifetime", lifetime);
        command.Parameters.AddWithValue("runs", claims.Select(c => c.RunId).ToArray());
        command.Parameters.AddWithValue("ids", claims.Select(c => c.PartitionId).ToArray());
        command.Parameters.AddWithValue("epochs", claims.Select(c => c.Epoch).ToArray());
        var renewed = new HashSet<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                renewed.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        held.UnionWith(claims.Where(c => renewed.Contains((c.RunId, c.PartitionId))));
        return held;
    }

    /// <summary>
    /// Ends <paramref name="claim"/> as <paramref name="state"/> (committed with its record, failed, or pending again);
    /// false when its epoch is no longer the partition's, or, for a commit, when the run is no longer running. A commit
    /// repeated after its answer was lost is taken again.
    /// </summary>
    public async Task<bool> EndClaimAsync(PartitionClaim claim, string state, string node, string? record, string? error, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            UPDATE {_partitions} SET state = @state, record = COALESCE(@record::jsonb, record), committed_by = CASE WHEN @state = 'committed' THEN @node ELSE committed_by END,
                owner = CASE WHEN @state = 'pending' THEN NULL ELSE owner END, error = @error
            WHERE cluster = @cluster AND run_id = @run AND partition_id = @id AND epoch = @epoch
              AND ((state = 'claimed' AND (@state <> 'committed' OR EXISTS (
                        SELECT 1 FROM {_runs} r WHERE r.cluster = @cluster AND r.run_id = @run AND r.state = 'running')))
                OR (state = @state AND state = 'committed' AND committed_by = @node))
            """);
        ClusterRunStore.Add(command, ("cluster", cluster), ("state", state), ("node", node), ("run", claim.RunId), ("id", claim.PartitionId));
        command.Parameters.AddWithValue("epoch", claim.Epoch);
        command.Parameters.Add(new NpgsqlParameter<string?>("record", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = record });
        command.Parameters.Add(new NpgsqlParameter<string?>("error", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = error });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
