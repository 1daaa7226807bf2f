using System.CommandLine;
using MlNetBatch.Worker.Cli;
using Serilog;

// A bootstrap logger, so that even a configuration error at start-up is logged.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
try
{
    // Ctrl-C/SIGTERM cancel the command's token; the process then waits for the job to stop within its grace period
    // (and systemd's TimeoutStopSec) instead of being cut off after System.CommandLine's default 2 seconds.
    // The commands report their own failures on one line; System.CommandLine's handler would print the stack.
    return await WorkerCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration
    {
        ProcessTerminationTimeout = TimeSpan.FromMinutes(10),
        EnableDefaultExceptionHandler = false,
    });
}
catch (Exception e)
{
    // The last resort: still one line, the stack only at Debug level.
    return FailureReport.Report(e, Console.Error);
}
finally
{
    await Log.CloseAndFlushAsync();
}
