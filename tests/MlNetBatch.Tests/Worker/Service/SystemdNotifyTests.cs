using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Tests.Worker.Service;

/// <summary>
/// The real worker in service mode, started the way systemd starts it: it tells the notify socket READY=1 once it runs
/// and STOPPING=1 on SIGTERM, and its console lines carry journal priorities.
/// </summary>
public partial class SystemdNotifyTests
{
    [Fact]
    public async Task The_service_notifies_ready_at_start_and_stopping_on_SIGTERM_with_journal_priorities_on_its_lines()
    {
        using var dir = new TempDirectory();
        var config = await WorkerConfigFiles.WriteAsync(dir, "service", new Dictionary<string, System.Text.Json.Nodes.JsonObject>
        {
            ["on-demand"] = WorkerConfigFiles.Job(dir.Combine("in", "*.parquet"), dir.Combine("out")),
        });
        // sockaddr_un holds at most 107 bytes of path, so the socket lives in the short temp folder.
        var socketPath = Path.Combine(Path.GetTempPath(), $"mlnetbatch-notify-{Guid.NewGuid():N}.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.GetFullPath(socketPath)));
        var notifications = new Notifications(socket);
        try
        {
            // Hosting.Systemd 10 believes systemd started the process when its parent is named 'systemd': a copy of
            // bash under that name starts the worker as its child and reports the child's pid.
            var manager = dir.Combine("systemd");
            File.Copy("/bin/bash", manager);
            var worker = typeof(WorkerCommandLine).Assembly.Location;
            using var process = Start(manager, dir.Path, socketPath, $"dotnet '{worker}' --config '{config}' & echo \"pid=$!\"; wait $!; exit $?");

            var ready = await notifications.WaitForAsync("READY=1", TimeSpan.FromMinutes(2));
            Assert.True(ready, $"no READY=1 (got: {notifications}); the worker said:\n{process.Output}");
            var pid = int.Parse(WorkerPid().Match(process.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.DoesNotContain("STOPPING=1", notifications.ToString());

            using (var term = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            Assert.True(await notifications.WaitForAsync("STOPPING=1", TimeSpan.FromMinutes(1)), $"no STOPPING=1 (got: {notifications}); the worker said:\n{process.Output}");
            await process.WaitForExitAsync(TimeSpan.FromMinutes(1));
            Assert.True(process.ExitCode == 0, process.Output);

            var lines = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("pid=", StringComparison.Ordinal)).ToList();
            Assert.Contains(lines, l => l.StartsWith("<6>[", StringComparison.Ordinal) && l.Contains("MlNetBatch worker started with 1 job(s)", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("<6>[", StringComparison.Ordinal) && l.Contains("MlNetBatch worker stopping", StringComparison.Ordinal));
            Assert.All(lines, l => Assert.Matches(@"^<[2-7]>\[\d\d:\d\d:\d\d (VRB|DBG|INF|WRN|ERR|FTL)\] ", l));
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    private static ManagedProcess Start(string manager, string workingDirectory, string socketPath, string script)
    {
        var start = new ProcessStartInfo(manager) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["NOTIFY_SOCKET"] = socketPath;
        return new ManagedProcess(start);
    }

    [GeneratedRegex(@"^pid=(\d+)$", RegexOptions.Multiline)]
    private static partial Regex WorkerPid();

    /// <summary>The datagrams the worker sends to its notify socket.</summary>
    private sealed class Notifications
    {
        private readonly List<string> _received = [];
        private readonly Task _receiving;

        public Notifications(Socket socket) => _receiving = ReceiveAsync(socket);

        public async Task<bool> WaitForAsync(string message, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < timeout && !_receiving.IsCompleted)
            {
                lock (_received)
                {
                    if (_received.Any(m => m.Split('\n').Contains(message)))
                    {
                        return true;
                    }
                }

                await Task.Delay(50);
            }

            return false;
        }

        public override string ToString()
        {
            lock (_received)
            {
                return string.Join(" | ", _received);
            }
        }

        private async Task ReceiveAsync(Socket socket)
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var count = await socket.ReceiveAsync(buffer, SocketFlags.None);
                    lock (_received)
                    {
                        _received.Add(Encoding.UTF8.GetString(buffer, 0, count));
                    }
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                // The test is over and closed the socket.
            }
        }
    }

    /// <summary>A process whose output is read from the start, so it never blocks on a full pipe.</summary>
    private sealed class ManagedProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public ManagedProcess(ProcessStartInfo start)
        {
            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int ExitCode => _process.ExitCode;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public async Task WaitForExitAsync(TimeSpan timeout) => await _process.WaitForExitAsync().WaitAsync(timeout);

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
