using Npgsql;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// The cluster's runs in PostgreSQL (<see cref="ClusterWorkTables"/>): started with their partitions, moved from state
/// to state conditionally, and read; the claims on their partitions are <see cref="Claims"/>. The database's clock
/// judges every claim and every stale finish, so nodes need not agree on the time.
/// </summary>
/// <param name="database">The cluster's database.</param>
/// <param name="cluster">The cluster's name, which keys its rows.</param>
/// <param name="prefix">The table prefix, Quartz's.</param>
/// <param name="createTables">Whether the store creates its tables when missing (<see cref="ClusterOptions.CreateSchema"/>); otherwise a DBA made them.</param>
internal sealed class ClusterRunStore(NpgsqlDataSource database, string cluster, string prefix, bool createTables = true)
{
    /// <summary>Who committed a partition that an earlier run had committed before this run was planned.</summary>
    public const string EarlierRun = "an earlier run";

    private readonly string _runs = ClusterWorkTables.Runs(prefix);
    private readonly string _partitions = ClusterWorkTables.Partitions(prefix);

    private volatile bool _tablesChecked;

    /// <summary>Claims on the partitions of the cluster's runs: taken, renewed and ended, each fenced by its epoch.</summary>
    public ClusterPartitionClaims Claims { get; } = new(database, cluster, prefix);

    /// <summary>Creates the tables when missing, once per process, unless the store was told not to.</summary>
    public async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        if (_tablesChecked || !createTables)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ClusterWorkTables.EnsureAsync(connection, prefix, cancellationToken).ConfigureAwait(false);
        _tablesChecked = true;
    }

    /// <summary>The run of <paramref name="job"/> in progress, or null.</summary>
    public async Task<ClusterRunRow?> ActiveRunAsync(string job, CancellationToken cancellationToken) =>
        (await ReadRunsAsync("job = @job AND state IN ('running', 'finishing')", cancellationToken, ("job", job)).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>The run <paramref name="runId"/>, or null.</summary>
    public async Task<ClusterRunRow?> RunAsync(string runId, CancellationToken cancellationToken) =>
        (await ReadRunsAsync("run_id = @run", cancellationToken, ("run", runId)).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>The runs in progress.</summary>
    public Task<IReadOnlyList<ClusterRunRow>> ActiveRunsAsync(CancellationToken cancellationToken) =>
        ReadRunsAsync("state IN ('running', 'finishing')", cancellationToken);

    /// <summary>
    /// Records a new run with what its planner listed and fitted (as JSON) and its partitions (those in
    /// <paramref name="committed"/> as already committed); false when another run of the job is in progress, which the
    /// unique index on active runs decides.
    /// </summary>
    public async Task<bool> TryStartAsync(
        ClusterRunRow run, (string Listing, string Fitted) planned, IReadOnlyList<string> partitions, IReadOnlyDictionary<string, string> committed, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var insert = new NpgsqlCommand(
                $"INSERT INTO {_runs} (cluster, run_id, job, state, fingerprint, plan_hash, output, planned_by, listing, fitted) VALUES (@cluster, @run, @job, 'running', @fingerprint, @plan, @output, @node, @listing, @fitted)",
                connection, transaction))
            {
                Add(insert, ("cluster", cluster), ("run", run.RunId), ("job", run.Job), ("fingerprint", run.Fingerprint), ("plan", run.PlanHash), ("output", run.Output), ("node", run.PlannedBy), ("listing", planned.Listing), ("fitted", planned.Fitted));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var rows = new NpgsqlCommand(
                $"""
                INSERT INTO {_partitions} (cluster, run_id, partition_id, ordinal, state, record, committed_by)
                SELECT @cluster, @run, p.id, p.ordinal, CASE WHEN p.record IS NULL THEN 'pending' ELSE 'committed' END, p.record::jsonb,
                       CASE WHEN p.record IS NULL THEN NULL ELSE @earlier END
                FROM unnest(@ids, @records) WITH ORDINALITY AS p(id, record, ordinal)
                """, connection, transaction))
            {
                Add(rows, ("cluster", cluster), ("run", run.RunId), ("earlier", EarlierRun));
                rows.Parameters.AddWithValue("ids", partitions.ToArray());
                rows.Parameters.AddWithValue("records", partitions.Select(p => committed.GetValueOrDefault(p)).ToArray());
                await rows.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    /// <summary>How many partitions of <paramref name="runId"/> are not committed yet.</summary>
    public async Task<long> UncommittedAsync(string runId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT count(*) FROM {_partitions} WHERE cluster = @cluster AND run_id = @run AND state <> 'committed'");
        Add(command, ("cluster", cluster), ("run", runId));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Each partition of <paramref name="runId"/>: its state, owner, committing node and record.</summary>
    public async Task<IReadOnlyList<ClusterPartitionRow>> PartitionsAsync(string runId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT partition_id, state, owner, committed_by, record::text, error, epoch FROM {_partitions} WHERE cluster = @cluster AND run_id = @run ORDER BY ordinal");
        Add(command, ("cluster", cluster), ("run", runId));
        var rows = new List<ClusterPartitionRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ClusterPartitionRow(
                reader.GetString(0), reader.GetString(1), NullableString(reader, 2), NullableString(reader, 3), NullableString(reader, 4), NullableString(reader, 5), reader.GetInt64(6)));
        }

        return rows;
    }

    /// <summary>Deletes the runs that ended more than <paramref name="keep"/> ago, with their partitions' rows; returns how many runs.</summary>
    public async Task<long> PruneAsync(TimeSpan keep, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            WITH old AS (DELETE FROM {_runs} WHERE cluster = @cluster AND state IN ('succeeded', 'failed') AND ended_at < now() - @keep RETURNING run_id),
                 gone AS (DELETE FROM {_partitions} p USING old WHERE p.cluster = @cluster AND p.run_id = old.run_id)
            SELECT count(*) FROM old
            """);
        Add(command, ("cluster", cluster));
        command.Parameters.AddWithValue("keep", keep);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
    }

    /// <summary>Moves the run from <paramref name="from"/> to <paramref name="to"/>; false when it was not in <paramref name="from"/> (another node moved it).</summary>
    public async Task<bool> TransitionAsync(string runId, string from, string to, string? error, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            UPDATE {_runs} SET state = @to, error = COALESCE(@error, error), ended_at = CASE WHEN @to IN ('succeeded', 'failed') THEN now() END,
                finishing_at = CASE WHEN @to = 'finishing' THEN now() ELSE finishing_at END
            WHERE cluster = @cluster AND run_id = @run AND state = @from
            """);
        Add(command, ("cluster", cluster), ("to", to), ("from", from), ("run", runId));
        command.Parameters.Add(new NpgsqlParameter<string?>("error", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = error });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Takes over the finish of <paramref name="runId"/> when the node finishing it has not been heard of for
    /// <paramref name="stale"/> (it died or lost the database mid-finish); false otherwise. Folding again is safe: it
    /// records the same commit records, under the output lease.
    /// </summary>
    public async Task<bool> TryTakeOverFinishAsync(string runId, TimeSpan stale, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"UPDATE {_runs} SET finishing_at = now() WHERE cluster = @cluster AND run_id = @run AND state = 'finishing' AND finishing_at < now() - @stale");
        Add(command, ("cluster", cluster), ("run", runId));
        command.Parameters.AddWithValue("stale", stale);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// What the planner listed (<see cref="Data.SourceListing"/>) and what its preprocessing learned
    /// (<see cref="Pipeline.FittedPreprocessing"/>), as JSON stored with the run; nulls for none.
    /// </summary>
    public async Task<(string? Listing, string? Fitted)> PlannedAsync(string runId, CancellationToken cancellationToken)
    {
        // Read apart from the run's row: they may be large (a long listing, a vocabulary), and rows are read on every poll.
        await using var command = database.CreateCommand($"SELECT listing, fitted FROM {_runs} WHERE cluster = @cluster AND run_id = @run");
        Add(command, ("cluster", cluster), ("run", runId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1))
            : (null, null);
    }

    private async Task<IReadOnlyList<ClusterRunRow>> ReadRunsAsync(string where, CancellationToken cancellationToken, params (string Name, string Value)[] parameters)
    {
        await using var command = database.CreateCommand(
            $"SELECT run_id, job, state, fingerprint, plan_hash, output, planned_by, error, started_at FROM {_runs} WHERE cluster = @cluster AND {where} ORDER BY started_at");
        Add(command, [("cluster", cluster), .. parameters]);
        var runs = new List<ClusterRunRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(new ClusterRunRow(reader.GetString(0), reader.GetString(1), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6))
            {
                State = reader.GetString(2),
                Error = NullableString(reader, 7),
                StartedAt = reader.GetFieldValue<DateTimeOffset>(8),
            });
        }

        return runs;
    }

    private static string? NullableString(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    /// <summary>Adds text parameters to <paramref name="command"/>.</summary>
    internal static void Add(NpgsqlCommand command, params (string Name, string Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
    }
}
