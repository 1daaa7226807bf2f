using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Scoring;
using MlNetBatch.Worker.Hosting;
using Quartz;

namespace MlNetBatch.Worker.Cli;

/// <summary>
/// The worker's commands: none runs the service; <c>run</c>, <c>validate</c>, <c>list</c> and <c>plan</c> act once and exit.
/// </summary>
public static class WorkerCommandLine
{
    /// <summary>Exit code for a job or configuration failure.</summary>
    public const int Failed = 1;

    /// <summary>Exit code for a command-line mistake (unknown job).</summary>
    public const int Usage = 2;

    /// <summary>Exit code for a run stopped by Ctrl-C or SIGTERM before it finished (the usual 128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>Builds the root command.</summary>
    /// <param name="configure">Extra configuration sources, used by tests.</param>
    /// <param name="output">Where command output goes; the console by default.</param>
    public static RootCommand Create(Action<IConfigurationBuilder>? configure = null, TextWriter? output = null)
    {
        var configOption = new Option<FileInfo?>("--config")
        {
            Description = "A JSON file layered over appsettings.json (environment variables MLNETBATCH__... still override).",
            Recursive = true,
        };
        var root = new RootCommand("MlNetBatch worker: batch inference with ML.NET and ONNX Runtime. Without a command it runs as a service and fires the scheduled jobs.");
        root.Options.Add(configOption);
        root.SetAction((parse, ct) => RunServiceAsync(parse.GetValue(configOption), configure, output ?? Console.Error, ct));

        var jobArgument = new Argument<string>("job") { Description = "The job's name, as in MlNetBatch:Jobs." };

        var run = new Command("run", "Run one job now and exit: 0 on success, 1 on failure, 130 when stopped (the next run resumes).");
        var restart = new Option<bool>("--restart") { Description = "Ignore the progress of earlier runs and score every partition again." };
        run.Arguments.Add(jobArgument);
        run.Options.Add(restart);
        run.SetAction((parse, ct) => WithHost(parse.GetValue(configOption), configure, output, (host, writer) =>
            JobCommands.RunAsync(host, parse.GetValue(jobArgument)!, new JobRunOptions { Restart = parse.GetValue(restart) }, writer, ct)));
        root.Subcommands.Add(run);

        var validate = new Command("validate", "Check the configuration and load every model, without running anything.");
        validate.SetAction((parse, ct) => WithHost(parse.GetValue(configOption), configure, output, (host, writer) =>
            Task.FromResult(JobCommands.Validate(host, writer))));
        root.Subcommands.Add(validate);

        var list = new Command("list", "List the jobs with their schedules and next fire times.");
        list.SetAction((parse, ct) => WithHost(parse.GetValue(configOption), configure, output, (host, writer) =>
            Task.FromResult(JobCommands.List(host, writer))));
        root.Subcommands.Add(list);

        var plan = new Command("plan", "Dry run: the partitions a job would read, the input schema, the model's inputs and outputs and how columns map onto them.");
        plan.Arguments.Add(jobArgument);
        plan.SetAction((parse, ct) => WithHost(parse.GetValue(configOption), configure, output, (host, writer) =>
            JobCommands.PlanAsync(host, parse.GetValue(jobArgument)!, writer, ct)));
        root.Subcommands.Add(plan);
        return root;
    }

    private static async Task<int> RunServiceAsync(FileInfo? configFile, Action<IConfigurationBuilder>? configure, TextWriter errors, CancellationToken cancellationToken)
    {
        using var host = WorkerHost.CreateBuilder([], configFile?.FullName, withScheduler: true, configure).Build();
        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException e)
        {
            ReportInvalidConfiguration(e, errors);
            return Failed;
        }
        catch (InvalidOperationException e) when (IsBindingFailure(e))
        {
            errors.WriteLine($"The configuration is invalid: {e.Message}");
            return Failed;
        }
    }

    private static async Task<int> WithHost(
        FileInfo? configFile, Action<IConfigurationBuilder>? configure, TextWriter? output, Func<IHost, TextWriter, Task<int>> action)
    {
        var writer = output ?? Console.Out;
        IHost host;
        try
        {
            host = WorkerHost.CreateBuilder([], configFile?.FullName, withScheduler: false, configure).Build();
        }
        catch (FileNotFoundException e)
        {
            await writer.WriteLineAsync(e.Message).ConfigureAwait(false);
            return Failed;
        }

        using (host)
        {
            try
            {
                return await action(host, writer).ConfigureAwait(false);
            }
            catch (OptionsValidationException e)
            {
                ReportInvalidConfiguration(e, writer);
                return Failed;
            }
            catch (InvalidOperationException e) when (IsBindingFailure(e))
            {
                await writer.WriteLineAsync($"The configuration is invalid: {e.Message}").ConfigureAwait(false);
                return Failed;
            }
        }
    }

    /// <summary>A value the configuration binder cannot convert (an unknown enum name, a malformed TimeSpan) names its path.</summary>
    private static bool IsBindingFailure(InvalidOperationException e) =>
        e.Message.Contains("configuration value", StringComparison.OrdinalIgnoreCase);

    internal static void ReportInvalidConfiguration(OptionsValidationException e, TextWriter writer)
    {
        writer.WriteLine("The configuration is invalid:");
        foreach (var failure in e.Failures)
        {
            writer.WriteLine($"  {failure}");
        }
    }
}
