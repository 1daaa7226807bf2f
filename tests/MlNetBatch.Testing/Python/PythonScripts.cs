using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlNetBatch.Testing.Python;

/// <summary>
/// Runs Python scripts (the independent readers the tests check MlNetBatch against) as <c>python3 -c script args…</c>
/// would, but in long-lived <c>python3</c> processes: starting an interpreter for each check cost about a fifth of a
/// second, several times per test. Each script runs with fresh globals, <c>sys.argv</c> set to <c>['-c', args…]</c>
/// and its standard output captured; an exception in it fails the call as a non-zero exit did.
/// </summary>
public static class PythonScripts
{
    private static readonly ConcurrentBag<PythonProcess> Idle = [];

    static PythonScripts() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        while (Idle.TryTake(out var process))
        {
            process.Dispose();
        }
    };

    /// <summary>What <paramref name="script"/> wrote to its standard output, run with <paramref name="args"/>.</summary>
    public static string Run(string script, IEnumerable<string> args)
    {
        var process = Idle.TryTake(out var idle) ? idle : PythonProcess.Start();
        string? output;
        string? error;
        try
        {
            (output, error) = process.Run(script, args);
        }
        catch
        {
            // The interpreter itself failed (it exited or its pipes broke): it is not used again.
            process.Dispose();
            throw;
        }

        Idle.Add(process);
        return output ?? throw new InvalidOperationException($"python3 failed: {error}");
    }

    private sealed class PythonProcess : IDisposable
    {
        // Reads one request per line (a JSON object: script and args), runs it, answers one line (ASCII JSON).
        private const string Server = """
            import io, json, sys, traceback
            requests, replies = sys.stdin.buffer, sys.stdout.buffer
            while True:
                line = requests.readline()
                if not line:
                    break
                request = json.loads(line)
                captured = io.StringIO()
                saved = sys.stdout, sys.argv
                sys.stdout, sys.argv = captured, ['-c'] + request['args']
                try:
                    exec(compile(request['script'], '<string>', 'exec'), {'__name__': '__main__'})
                    reply = {'out': captured.getvalue()}
                except SystemExit as e:
                    reply = {'out': captured.getvalue()} if e.code in (None, 0) else {'error': 'exit %s' % e.code}
                except BaseException:
                    reply = {'error': traceback.format_exc()}
                finally:
                    sys.stdout, sys.argv = saved
                replies.write(json.dumps(reply).encode('ascii') + b'\n')
                replies.flush()
            """;

        private readonly Process _process;
        private readonly StringBuilder _errors = new();

        private PythonProcess(Process process) => _process = process;

        public static PythonProcess Start()
        {
            var start = new ProcessStartInfo("python3")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardInputEncoding = new UTF8Encoding(false),
                StandardOutputEncoding = Encoding.UTF8,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Server);
            var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started.");
            var python = new PythonProcess(process);
            process.ErrorDataReceived += (_, e) =>
            {
                lock (python._errors)
                {
                    python._errors.AppendLine(e.Data);
                }
            };
            process.BeginErrorReadLine();
            return python;
        }

        /// <summary>The script's output, or null and the error it failed with.</summary>
        public (string? Output, string? Error) Run(string script, IEnumerable<string> args)
        {
            var request = new JsonObject { ["script"] = script, ["args"] = new JsonArray([.. args.Select(a => JsonValue.Create(a))]) };
            _process.StandardInput.WriteLine(request.ToJsonString());
            _process.StandardInput.Flush();
            var line = _process.StandardOutput.ReadLine();
            if (line is null)
            {
                _process.WaitForExit(5000);
                lock (_errors)
                {
                    throw new InvalidOperationException($"python3 exited: {_errors}");
                }
            }

            var reply = JsonNode.Parse(line)!.AsObject();
            return reply.TryGetPropertyValue("out", out var output) ? (output!.GetValue<string>(), null) : (null, reply["error"]!.GetValue<string>());
        }

        public void Dispose()
        {
            try
            {
                // Python exits at the end of its input.
                _process.StandardInput.Close();
                if (!_process.WaitForExit(2000))
                {
                    _process.Kill();
                }
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                // Already gone.
            }

            _process.Dispose();
        }
    }
}
