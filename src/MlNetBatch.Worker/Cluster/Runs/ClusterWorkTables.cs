using Npgsql;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// The two tables beside Quartz's that hold a cluster's job runs and their partitions. A partition is a row that any
/// node claims with <c>FOR UPDATE SKIP LOCKED</c>; its <c>epoch</c> grows with every claim and fences the commit.
/// </summary>
internal static class ClusterWorkTables
{
    /// <summary>The runs table, for <paramref name="prefix"/> (Quartz's table prefix, checked by <see cref="ClusterOptionsValidator"/>).</summary>
    public static string Runs(string prefix) => prefix + "mlnetbatch_runs";

    /// <summary>The partitions table.</summary>
    public static string Partitions(string prefix) => prefix + "mlnetbatch_partitions";

    /// <summary>Creates the tables when they are missing; safe to run from every node at once.</summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, string prefix, CancellationToken cancellationToken)
    {
        var runs = Runs(prefix);
        var partitions = Partitions(prefix);
        // An advisory lock: CREATE ... IF NOT EXISTS alone races between nodes starting together.
        var sql = $"""
            SELECT pg_advisory_xact_lock(hashtext('{runs}'));
            CREATE TABLE IF NOT EXISTS {runs} (
                cluster text NOT NULL,
                run_id text NOT NULL,
                job text NOT NULL,
                state text NOT NULL,
                fingerprint text NOT NULL,
                plan_hash text NOT NULL,
                output text NOT NULL,
                planned_by text NOT NULL,
                started_at timestamptz NOT NULL DEFAULT now(),
                ended_at timestamptz,
                error text,
                fitted text,
                listing text,
                finishing_at timestamptz,
                PRIMARY KEY (cluster, run_id));
            CREATE UNIQUE INDEX IF NOT EXISTS {runs}_one_active ON {runs} (cluster, job) WHERE state IN ('running', 'finishing');
            CREATE TABLE IF NOT EXISTS {partitions} (
                cluster text NOT NULL,
                run_id text NOT NULL,
                partition_id text NOT NULL,
                ordinal integer NOT NULL,
                state text NOT NULL,
                owner text,
                previous_owner text,
                epoch bigint NOT NULL DEFAULT 0,
                heartbeat_at timestamptz,
                expires_at timestamptz,
                record jsonb,
                committed_by text,
                error text,
                PRIMARY KEY (cluster, run_id, partition_id));
            DO $$ BEGIN
                -- Tables made before runs stored their listing; checked first, as ALTER TABLE locks the table even when it changes nothing.
                IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{runs}' AND column_name = 'listing') THEN
                    ALTER TABLE {runs} ADD COLUMN listing text;
                END IF;
            END $$;
            CREATE INDEX IF NOT EXISTS {partitions}_claimable ON {partitions} (cluster, state, run_id, ordinal);
            """;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
