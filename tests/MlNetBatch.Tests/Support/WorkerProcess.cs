using System.Diagnostics;
using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Tests.Support;

/// <summary>The real worker executable, started as a child process, as an operator would run it.</summary>
public static class WorkerProcess
{
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(WorkerCommandLine).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException)
        {
            // A hung worker must not outlive the test run.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
