using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MlNetBatch.Testing.Scratch;
using Npgsql;

namespace MlNetBatch.Testing.Postgres;

/// <summary>
/// A real PostgreSQL server for the cluster tests and the cluster benchmark: Debian's <c>postgresql</c> package (installed by <c>.ci/run</c>),
/// a cluster made by <c>initdb</c> in a scratch folder, started by <c>pg_ctl</c> on 127.0.0.1 and a free port, with
/// <c>fsync</c> off, and stopped and removed when disposed — also when the test process exits first.
/// </summary>
/// <remarks>
/// <c>synchronous_commit</c> stays on, as on a default server: a commit is acknowledged once its WAL is written, so
/// it survives <see cref="StopServerAsync"/> (an immediate stop is a crash of the server; with <c>fsync</c> off only a
/// crash of the machine could lose it). Turned off, the server acknowledges commits that such a stop then loses: a
/// firing's lost completion leaves its job's trigger BLOCKED behind the fired-trigger row of a node that is alive,
/// which Quartz recovers only once that node is taken for dead or starts again, so the cluster stops firing the job.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private int _stopped;

    private PostgresServer(string bin, string root, bool asPostgresUser, int port)
    {
        _bin = bin;
        _root = root;
        _asPostgresUser = asPostgresUser;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    private string DataFolder => Path.Combine(_root, "data");

    /// <summary>Creates and starts a server.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinaries();
        var root = Path.Combine(ScratchFolder.Root, $"mlnetbatch-postgres-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user and runs as it.
        var asPostgresUser = Environment.UserName == "root";
        if (asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", root]);
        }

        var server = new PostgresServer(bin, root, asPostgresUser, 0);
        await server.RunToolAsync("initdb", ["-D", server.DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
        for (var attempt = 1; ; attempt++)
        {
            server.Port = FreePort();
            try
            {
                await server.StartServerAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                // Another process took the free port before the server bound it: try another.
            }
        }
    }

    /// <summary>The connection string of <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5;Command Timeout=30";

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server at once (as a crash would), keeping its data.</summary>
    public Task StopServerAsync() => RunToolAsync("pg_ctl", ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);

    /// <summary>Starts the server again on the same port and data.</summary>
    public Task StartServerAsync() => RunToolAsync("pg_ctl", [
        "-D", DataFolder, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200",
        "start"]);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            RunToolAsync("pg_ctl", ["-D", DataFolder, "-m", "immediate", "-w", "stop"]).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Not running.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments) =>
        _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments])
            : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var major) ? major : 0).FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL is not installed (apt-get install -y postgresql; .ci/run does it).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
