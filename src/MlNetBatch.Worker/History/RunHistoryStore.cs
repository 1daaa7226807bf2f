using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;

namespace MlNetBatch.Worker.History;

/// <summary>
/// The run history: one SQLite file in the state directory, shared by the service and the one-shot commands (SQLite
/// locks the file, so several processes may record at once). It keeps the last
/// <see cref="RunHistoryOptions.KeepRuns"/> runs of each job and when the service began scheduling each job.
/// </summary>
public sealed class RunHistoryStore
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY, job TEXT NOT NULL COLLATE NOCASE, started INTEGER NOT NULL, ended INTEGER, status TEXT NOT NULL,
            rows_in INTEGER NOT NULL DEFAULT 0, rows_out INTEGER NOT NULL DEFAULT 0, bad_rows INTEGER NOT NULL DEFAULT 0,
            filtered_rows INTEGER NOT NULL DEFAULT 0, error TEXT, bottleneck TEXT, host TEXT NOT NULL, pid INTEGER NOT NULL, process_start INTEGER NOT NULL, stages TEXT);
        CREATE INDEX IF NOT EXISTS runs_by_job ON runs (job, started DESC);
        CREATE TABLE IF NOT EXISTS schedules (job TEXT PRIMARY KEY COLLATE NOCASE, cron TEXT NOT NULL, since INTEGER NOT NULL);
        """;

    private const string Columns = "id, job, started, ended, status, rows_in, rows_out, bad_rows, filtered_rows, error, bottleneck, host, pid, process_start, stages";

    private readonly string _connectionString;
    private readonly int _keepRuns;
    private readonly TimeProvider _clock;
    // The schema is created by the first use in this process; CREATE ... IF NOT EXISTS makes other processes harmless.
    private readonly Lazy<bool> _schema;

    /// <summary>Opens (on first use, creating) the history in the configured state directory.</summary>
    public RunHistoryStore(IOptions<RunHistoryOptions> options, IOptions<StateDirectoryOptions> state, IHostEnvironment environment, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(state);
        Directory = state.Value.Resolve(environment.ContentRootPath);
        _keepRuns = options.Value.KeepRuns;
        // No pooling: a command opens the file a handful of times per run, and pooled handles would outlive the host.
        _connectionString = new SqliteConnectionStringBuilder { DataSource = System.IO.Path.Combine(Directory, RunHistoryOptions.FileName), Pooling = false, DefaultTimeout = 30 }.ToString();
        _schema = new Lazy<bool>(CreateSchema);
    }

    /// <summary>The state directory that holds the history.</summary>
    public string Directory { get; }

    /// <summary>Records that <paramref name="job"/> started now, in this process.</summary>
    public RunRecord Start(string job)
    {
        var record = new RunRecord(Guid.NewGuid().ToString("N"), job, _clock.GetUtcNow(), Ended: null, RunStatus.Running);
        var owner = RunOwner.Current;
        Execute(
            $"INSERT INTO runs (id, job, started, status, host, pid, process_start) VALUES ($id, $job, $started, $status, $host, $pid, $start)",
            ("$id", record.RunId), ("$job", job), ("$started", record.Started.ToUnixTimeMilliseconds()), ("$status", Name(RunStatus.Running)),
            ("$host", owner.Host), ("$pid", owner.Pid), ("$start", owner.StartTicks));
        return record;
    }

    /// <summary>
    /// Records a run that ended in this process without having started here (a cluster run that this node finished
    /// after another planned it), or completes the record its starter made, when both share this history.
    /// </summary>
    public void RecordEnded(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var owner = RunOwner.Current;
        Execute(
            "INSERT INTO runs (id, job, started, status, host, pid, process_start) VALUES ($id, $job, $started, $status, $host, $pid, $start) ON CONFLICT (id) DO NOTHING",
            ("$id", record.RunId), ("$job", record.Job), ("$started", record.Started.ToUnixTimeMilliseconds()), ("$status", Name(RunStatus.Running)),
            ("$host", owner.Host), ("$pid", owner.Pid), ("$start", owner.StartTicks));
        Finish(record);
    }

    /// <summary>Records how a started run ended, and deletes that job's runs beyond the number kept.</summary>
    public void Finish(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Execute(
            """
            UPDATE runs SET ended = $ended, status = $status, rows_in = $in, rows_out = $out, bad_rows = $bad, filtered_rows = $filtered, error = $error, bottleneck = $bottleneck, stages = $stages WHERE id = $id;
            DELETE FROM runs WHERE job = $job AND id NOT IN (SELECT id FROM runs WHERE job = $job ORDER BY started DESC LIMIT $keep);
            """,
            ("$id", record.RunId), ("$job", record.Job), ("$ended", (record.Ended ?? _clock.GetUtcNow()).ToUnixTimeMilliseconds()), ("$status", Name(record.Status)),
            ("$in", record.RowsIn), ("$out", record.RowsOut), ("$bad", record.BadRows), ("$filtered", record.FilteredRows),
            ("$error", record.Error), ("$bottleneck", record.Bottleneck), ("$stages", RunStages.ToJson(record.Stages)), ("$keep", _keepRuns));
    }

    /// <summary>
    /// The newest runs, newest first, of <paramref name="job"/> or of every job. A run left <c>running</c> by a process
    /// that has ended is recorded, and returned, as interrupted.
    /// </summary>
    public IReadOnlyList<RunRecord> Recent(string? job, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var rows = Query(
            $"SELECT {Columns} FROM runs WHERE ($job IS NULL OR job = $job) ORDER BY started DESC LIMIT $count",
            ("$job", job), ("$count", count));
        var records = new List<RunRecord>(rows.Count);
        foreach (var (record, owner) in rows)
        {
            records.Add(record.Status == RunStatus.Running && owner.HasEnded() ? Abandon(record) : record);
        }

        return records;
    }

    /// <summary>Records that the service schedules <paramref name="job"/> on <paramref name="cron"/>, from now unless it already did.</summary>
    public void RecordSchedule(string job, string cron) => Execute(
        "INSERT INTO schedules (job, cron, since) VALUES ($job, $cron, $now) ON CONFLICT (job) DO UPDATE SET cron = excluded.cron, since = excluded.since WHERE cron <> excluded.cron",
        ("$job", job), ("$cron", cron), ("$now", _clock.GetUtcNow().ToUnixTimeMilliseconds()));

    /// <summary>Since when the service has scheduled <paramref name="job"/> on <paramref name="cron"/>; null when it never has.</summary>
    public DateTimeOffset? ScheduledSince(string job, string cron)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT since FROM schedules WHERE job = $job AND cron = $cron", ("$job", job), ("$cron", cron));
        try
        {
            return command.ExecuteScalar() is long since ? DateTimeOffset.FromUnixTimeMilliseconds(since) : null;
        }
        catch (SqliteException e)
        {
            throw Unusable(e);
        }
    }

    /// <summary>The run, ended as interrupted when its process was last seen, recorded so.</summary>
    private RunRecord Abandon(RunRecord record)
    {
        var interrupted = record with { Status = RunStatus.Interrupted, Ended = record.Started, Error = "The process running it ended before the run finished." };
        Execute("UPDATE runs SET status = $status, ended = $ended, error = $error WHERE id = $id AND status = $running",
            ("$id", record.RunId), ("$status", Name(RunStatus.Interrupted)), ("$ended", record.Started.ToUnixTimeMilliseconds()),
            ("$error", interrupted.Error), ("$running", Name(RunStatus.Running)));
        return interrupted;
    }

    private List<(RunRecord Record, RunOwner Owner)> Query(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var command = Command(connection, sql, parameters);
        try
        {
            return Read(command);
        }
        catch (SqliteException e)
        {
            throw Unusable(e);
        }
    }

    private static List<(RunRecord Record, RunOwner Owner)> Read(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<(RunRecord, RunOwner)>();
        while (reader.Read())
        {
            var record = new RunRecord(
                reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), Parse(reader.GetString(4)),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10))
            {
                Stages = RunStages.FromJson(reader.IsDBNull(14) ? null : reader.GetString(14)),
            };
            rows.Add((record, new RunOwner(reader.GetString(11), reader.GetInt32(12), reader.GetInt64(13))));
        }

        return rows;
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var command = Command(connection, sql, parameters);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            throw Unusable(e);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private SqliteConnection Open()
    {
        _ = _schema.Value;
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Unusable(e);
        }
    }

    private bool CreateSchema()
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var command = Command(connection, Schema);
            command.ExecuteNonQuery();
            AddStagesColumn(connection);
            return true;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw Unusable(e);
        }
    }

    /// <summary>A history written before runs kept their stages gets the column; another process may add it at the same time.</summary>
    private static void AddStagesColumn(SqliteConnection connection)
    {
        using var exists = Command(connection, "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'stages'");
        if ((long)exists.ExecuteScalar()! > 0)
        {
            return;
        }

        try
        {
            using var alter = Command(connection, "ALTER TABLE runs ADD COLUMN stages TEXT");
            alter.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            // Added by another process since the check.
        }
    }

    private MlNetBatchException Unusable(Exception e) =>
        new($"The run history in '{Directory}' cannot be used ({e.Message.TrimEnd('.')}); set {StateDirectoryOptions.Key} to a writable directory.", e);

    private static string Name(RunStatus status) => status.ToString().ToLowerInvariant();

    private static RunStatus Parse(string status) => Enum.TryParse<RunStatus>(status, ignoreCase: true, out var parsed)
        ? parsed
        : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Unknown run status '{status}' in the history."));
}
