using MlNetBatch.Worker.Cli;
using Serilog;

// A bootstrap logger, so that even a configuration error at start-up is logged.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
try
{
    return await WorkerCommandLine.Create().Parse(args).InvokeAsync();
}
catch (Exception e)
{
    Log.Fatal(e, "The worker stopped unexpectedly");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
