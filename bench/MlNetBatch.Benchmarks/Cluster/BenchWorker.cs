using System.Diagnostics;
using System.Text;

namespace MlNetBatch.Benchmarks.Cluster;

/// <summary>
/// The real worker (<c>dotnet MlNetBatch.Worker.dll …</c>, built next to the bench) as a child process, as an operator
/// runs it; the bench's small twin of the tests' <c>WorkerProcess</c>. Its output is read from the start so that a
/// chatty worker never blocks on a full pipe.
/// </summary>
internal sealed class BenchWorker : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BenchWorker(string workingDirectory, IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MlNetBatch.Worker.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Standard output and error so far.</summary>
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

    public static BenchWorker Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        new(workingDirectory, environment, args);

    /// <summary>Runs the worker to its exit; throws with its output when it fails or outlives <paramref name="timeout"/>.</summary>
    public static async Task<string> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var worker = Start(workingDirectory, new Dictionary<string, string>(), args);
        await worker._process.WaitForExitAsync().WaitAsync(timeout);
        // The exit comes before the last lines of output: wait for the pipes to close too.
        worker._process.WaitForExit();
        return worker._process.ExitCode == 0 ? worker.Output : throw new InvalidOperationException($"worker {string.Join(' ', args)} exited with {worker._process.ExitCode}: {worker.Output}");
    }

    /// <summary>SIGKILL, and waits for the exit: a benchmark's workers must not outlive it.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
