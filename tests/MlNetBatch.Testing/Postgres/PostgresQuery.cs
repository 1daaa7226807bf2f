using Npgsql;

namespace MlNetBatch.Testing.Postgres;

/// <summary>Reads rows from a test database: what the cluster's tables say, for tests and the cluster benchmark.</summary>
public static class PostgresQuery
{
    /// <summary>Every row <paramref name="sql"/> returns, each read by <paramref name="read"/>.</summary>
    public static async Task<IReadOnlyList<T>> RowsAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
