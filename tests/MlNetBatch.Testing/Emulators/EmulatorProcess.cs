using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MlNetBatch.Testing.Scratch;

namespace MlNetBatch.Testing.Emulators;

/// <summary>
/// A test server (s3rver, Azurite…) running as a child process on 127.0.0.1, with its data in a temporary
/// folder. It can be stopped and started again on the same port and data, to test recovery from an outage.
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly string _command;
    private readonly Func<int, string, IReadOnlyList<string>> _arguments;
    private readonly EmulatorProbe _probe;
    private readonly StringBuilder _log = new();
    private static readonly HttpClient ProbeClient = new() { Timeout = TimeSpan.FromSeconds(5) };
    private Process? _process;

    private EmulatorProcess(string command, Func<int, string, IReadOnlyList<string>> arguments, EmulatorProbe probe, int port, string dataFolder)
    {
        _command = command;
        _arguments = arguments;
        _probe = probe;
        Port = port;
        DataFolder = dataFolder;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Where the server keeps its data.</summary>
    public string DataFolder { get; }

    /// <summary>What the server printed so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Installs the npm packages if needed, then starts <paramref name="command"/> (a name under node_modules/.bin,
    /// otherwise a program on the PATH such as <c>node</c>)
    /// with the arguments <paramref name="arguments"/> builds from the port and data folder, and waits until
    /// <paramref name="probe"/> finds it answering on that port.
    /// </summary>
    /// <remarks>
    /// A free port is only free until somebody binds it, and the emulator binds it after this process released it: when
    /// the emulator exits because another process took the port first, it is started again on another one.
    /// </remarks>
    public static async Task<EmulatorProcess> StartAsync(string command, Func<int, string, IReadOnlyList<string>> arguments, EmulatorProbe probe)
    {
        await EmulatorPackages.EnsureInstalledAsync().ConfigureAwait(false);
        // A package's command (s3rver), else a program on the PATH or an absolute path (node running a script).
        var executable = File.Exists(EmulatorPackages.Command(command)) ? EmulatorPackages.Command(command) : command;
        for (var attempt = 1; ; attempt++)
        {
            var dataFolder = Path.Combine(ScratchFolder.Root, "mlnetbatch-emulators", $"{Path.GetFileName(command)}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(dataFolder);
            var emulator = new EmulatorProcess(executable, arguments, probe, FreePort(), dataFolder);
            try
            {
                await emulator.StartAsync().ConfigureAwait(false);
                return emulator;
            }
            catch (EmulatorExitedException) when (attempt < 5 && emulator.LostPortRace)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                // Not started: stop what may still be running and remove its data folder, then report the failure.
                await emulator.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Starts the server (again) on the same port and data.</summary>
    public async Task StartAsync()
    {
        // Standard input is a pipe from this process: when this process is gone, the server sees its end and exits
        // (tests/emulators/exit-with-parent.js, which Node.js loads first), so that no server outlives the tests.
        var start = new ProcessStartInfo(_command) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["NODE_OPTIONS"] = $"--require \"{EmulatorPackages.ExitWithParentScript}\"";
        start.Environment["MLNETBATCH_EMULATOR_DATA"] = DataFolder;
        foreach (var argument in _arguments(Port, DataFolder))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_command}.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new EmulatorExitedException($"{Path.GetFileName(_command)} exited with {process.ExitCode}: {Log}");
            }

            // The answer must come from this emulator, and it must still be running: a server of another kind on the
            // port fails the probe, and one of the same kind leaves this process exiting on "address in use".
            if (await AnswersAsync().ConfigureAwait(false) && !process.HasExited)
            {
                return;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"{Path.GetFileName(_command)} did not answer {_probe.Path} on port {Port} within 60 s: {Log}");
    }

    /// <summary>Kills the server; <see cref="StartAsync()"/> brings it back.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private bool LostPortRace => Log.Contains("EADDRINUSE", StringComparison.Ordinal) || Log.Contains("address already in use", StringComparison.OrdinalIgnoreCase);

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var response = await ProbeClient.GetAsync(new Uri($"http://127.0.0.1:{Port}{_probe.Path}")).ConfigureAwait(false);
            return _probe.Accepts(response, await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
