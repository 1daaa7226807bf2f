using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace MlNetBatch.Worker.Cli;

/// <summary>The worker process from start to exit code: bootstrap logging, the command line, the last-resort report.</summary>
internal static class WorkerProgram
{
    /// <summary>Runs the command <paramref name="args"/> name and returns the process's exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="services">Extra registrations; a test build of the worker adds an observer here.</param>
    public static async Task<int> RunAsync(string[] args, Action<IServiceCollection>? services = null)
    {
        // A bootstrap logger, so that even a configuration error at start-up is logged.
        Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
        try
        {
            // Ctrl-C/SIGTERM cancel the command's token; the process then waits for the job to stop within its grace
            // period (and systemd's TimeoutStopSec) instead of being cut off after System.CommandLine's default 2 seconds.
            // The commands report their own failures on one line; System.CommandLine's handler would print the stack.
            return await WorkerCommandLine.Create(configure: null, output: null, services).Parse(args).InvokeAsync(new InvocationConfiguration
            {
                ProcessTerminationTimeout = TimeSpan.FromMinutes(10),
                EnableDefaultExceptionHandler = false,
            }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The last resort: still one line, the stack only at Debug level.
            return FailureReport.Report(e, Console.Error);
        }
        finally
        {
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }
}
