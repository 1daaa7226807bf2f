using Npgsql;

namespace MlNetBatch.Worker.Cluster;

/// <summary>What Quartz's tables say about the cluster: its nodes with their last check-in, and the jobs running on each.</summary>
internal static class ClusterStatus
{
    /// <summary>One node: its id, when it last checked in, its check-in interval, and what it is running.</summary>
    public sealed record Node(string Id, DateTimeOffset LastCheckIn, TimeSpan CheckInInterval, IReadOnlyList<string> Running)
    {
        /// <summary>Whether the node missed its check-ins long enough for the others to take it for dead.</summary>
        public bool IsLate(DateTimeOffset now, TimeSpan threshold) => now - LastCheckIn > CheckInInterval + threshold;
    }

    /// <summary>Reads the nodes of <paramref name="options"/>' cluster from the database at <paramref name="connectionString"/>.</summary>
    public static async Task<IReadOnlyList<Node>> ReadAsync(ClusterOptions options, string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // The prefix is checked by ClusterOptionsValidator (letters, digits, underscores), so it can name the tables.
        var running = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var fired = new NpgsqlCommand(
            $"SELECT instance_name, job_name, fired_time FROM {options.TablePrefix}fired_triggers WHERE sched_name = @name AND state = 'EXECUTING' ORDER BY fired_time", connection))
        {
            fired.Parameters.AddWithValue("name", options.Name);
            await using var reader = await fired.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var node = reader.GetString(0);
                var since = FromTicks(reader.GetInt64(2));
                (running.TryGetValue(node, out var jobs) ? jobs : running[node] = []).Add($"{reader.GetString(1)} (since {since:u})");
            }
        }

        var nodes = new List<Node>();
        await using var state = new NpgsqlCommand(
            $"SELECT instance_name, last_checkin_time, checkin_interval FROM {options.TablePrefix}scheduler_state WHERE sched_name = @name ORDER BY instance_name", connection);
        state.Parameters.AddWithValue("name", options.Name);
        await using (var reader = await state.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                nodes.Add(new Node(id, FromTicks(reader.GetInt64(1)), TimeSpan.FromMilliseconds(reader.GetInt64(2)), running.GetValueOrDefault(id) ?? []));
            }
        }

        return nodes;
    }

    /// <summary>Quartz.NET keeps times as UTC ticks.</summary>
    private static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);
}
