using System.Diagnostics;
using System.Text;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Tests.Support;

/// <summary>
/// The real worker executable, started as a child process, as an operator would run it. Its output is read from the
/// start, so a chatty worker never blocks on a full pipe while a test waits for it.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(string executable, string workingDirectory, IReadOnlyDictionary<string, string>? environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(executable);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data, _outputClosed);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, _errorClosed);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

    /// <summary>Starts the worker with <paramref name="args"/>.</summary>
    public static WorkerProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        new(typeof(WorkerCommandLine).Assembly.Location, workingDirectory, environment, args);

    /// <summary>
    /// Starts the crash tests' build of the worker, which writes <paramref name="marker"/> when a run reaches
    /// <paramref name="point"/> for the <paramref name="occurrence"/>-th time and halts there, to be killed.
    /// </summary>
    public static WorkerProcess StartHalting(string workingDirectory, JobPoint point, int occurrence, string marker, params string[] args) =>
        StartHalting(workingDirectory, null, point, occurrence, marker, args);

    /// <summary>As <see cref="StartHalting(string, JobPoint, int, string, string[])"/>, with <paramref name="environment"/>.</summary>
    public static WorkerProcess StartHalting(string workingDirectory, IReadOnlyDictionary<string, string>? environment, JobPoint point, int occurrence, string marker, params string[] args) =>
        new(Path.Combine(AppContext.BaseDirectory, "MlNetBatch.HaltingWorker.dll"), workingDirectory, environment,
            [point.ToString(), occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture), marker, .. args]);

    /// <summary>Sends <paramref name="signal"/> (TERM, STOP, CONT) to the worker, as an operator or the kernel would.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Runs the worker to its exit (at most three minutes) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, process.Output);
    }

    /// <summary>Waits until <paramref name="path"/> exists; false when the worker exits or the time is up first.</summary>
    public async Task<bool> WaitForFileAsync(string path, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!File.Exists(path) && !_process.HasExited && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        return File.Exists(path);
    }

    /// <summary>Waits for the exit and the end of the output; a worker still running after <paramref name="timeout"/> is killed.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // A hung worker must not outlive the test run.
            Kill();
            throw;
        }

        await Task.WhenAll(_outputClosed.Task, _errorClosed.Task).WaitAsync(timeout);
    }

    /// <summary>SIGKILL: no clean-up code runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
