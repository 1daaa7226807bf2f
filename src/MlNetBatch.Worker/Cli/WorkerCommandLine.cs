using System.CommandLine;
using System.Text.Json;
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
    public static RootCommand Create(Action<IConfigurationBuilder>? configure = null, TextWriter? output = null) =>
        Create(configure, output, services: null);

    /// <summary>Builds the root command, with extra registrations in every host it builds.</summary>
    internal static RootCommand Create(Action<IConfigurationBuilder>? configure, TextWriter? output, Action<IServiceCollection>? services)
    {
        var customization = new HostCustomization(configure, services);
        var configOption = new Option<FileInfo?>("--config")
        {
            Description = "A JSON file layered over appsettings.json (environment variables MLNETBATCH__... still override).",
            Recursive = true,
        };
        var root = new RootCommand("MlNetBatch worker: batch inference with ML.NET and ONNX Runtime. Without a command it runs as a service and fires the scheduled jobs.");
        root.Options.Add(configOption);
        root.SetAction((parse, ct) => RunServiceAsync(parse.GetValue(configOption), customization, output ?? Console.Error, ct));

        var jobArgument = new Argument<string>("job") { Description = "The job's name, as in MlNetBatch:Jobs." };

        var run = new Command("run", "Run one job now and exit: 0 on success, 1 on failure, 130 when stopped (the next run resumes).");
        var restart = new Option<bool>("--restart") { Description = "Ignore the progress of earlier runs and score every partition again." };
        var shard = new Option<JobShard?>("--shard")
        {
            Description = "Score only share i of N of the partitions (0 <= i < N), beside the other shards writing the same output; for a Kubernetes Indexed Job: --shard $(JOB_COMPLETION_INDEX)/N.",
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (JobShard.TryParse(text, out var parsed, out var problem))
                {
                    return parsed;
                }

                result.AddError(problem!);
                return null;
            },
        };
        run.Arguments.Add(jobArgument);
        run.Options.Add(restart);
        run.Options.Add(shard);
        run.SetAction((parse, ct) => WithHost(parse.GetValue(configOption), customization, output, ct, (host, writer) =>
            JobCommands.RunAsync(host, parse.GetValue(jobArgument)!, new JobRunOptions { Restart = parse.GetValue(restart), Shard = parse.GetValue(shard) }, writer, ct)));
        root.Subcommands.Add(run);

        var validate = new Command("validate", "Check the configuration and load every model, without running anything.");
        validate.SetAction((parse, ct) => WithHost(parse.GetValue(configOption), customization, output, ct, (host, writer) =>
            Task.FromResult(JobCommands.Validate(host, writer))));
        root.Subcommands.Add(validate);

        var list = new Command("list", "List the jobs with their schedules and next fire times.");
        list.SetAction((parse, ct) => WithHost(parse.GetValue(configOption), customization, output, ct, (host, writer) =>
            Task.FromResult(JobCommands.List(host, writer))));
        root.Subcommands.Add(list);

        var plan = new Command("plan", "Dry run: the partitions a job would read, the input schema, the model's inputs and outputs and how columns map onto them.");
        plan.Arguments.Add(jobArgument);
        plan.SetAction((parse, ct) => WithHost(parse.GetValue(configOption), customization, output, ct, (host, writer) =>
            JobCommands.PlanAsync(host, parse.GetValue(jobArgument)!, writer, ct)));
        root.Subcommands.Add(plan);
        HistoryCommands.Create((parse, ct, action) => WithHost(parse.GetValue(configOption), customization, output, ct, action)).ToList().ForEach(root.Subcommands.Add);
        root.Subcommands.Add(ClusterCommands.Create((parse, ct, action) => WithHost(parse.GetValue(configOption), customization, output, ct, action)));
        root.Subcommands.Add(ServiceCommands.Create(configOption, output));
        return root;
    }

    private static async Task<int> RunServiceAsync(FileInfo? configFile, HostCustomization customization, TextWriter errors, CancellationToken cancellationToken)
    {
        using var host = Build(configFile, customization, withScheduler: true, errors);
        if (host is null)
        {
            return Failed;
        }

        try
        {
            // What every job shares is checked first, as the commands do: that report also covers the storage settings,
            // which the host's own start-up check would otherwise stop at one by one. Invalid jobs are reported and left
            // out when the scheduler starts; the valid ones run.
            if (host.Services.GetRequiredService<ConfiguredJobs>().Read().SharedProblems is { Count: > 0 } shared)
            {
                throw new OptionsValidationException(Options.DefaultName, typeof(MlNetBatchOptions), shared);
            }

            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e)
        {
            return FailureReport.Report(e, errors);
        }
    }

    private static async Task<int> WithHost(
        FileInfo? configFile, HostCustomization customization, TextWriter? output, CancellationToken cancellationToken, Func<IHost, TextWriter, Task<int>> action)
    {
        var writer = output ?? Console.Out;
        using var host = Build(configFile, customization, withScheduler: false, writer);
        if (host is null)
        {
            return Failed;
        }

        try
        {
            return await action(host, writer).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await writer.WriteLineAsync("Stopped before finishing; nothing was written.").ConfigureAwait(false);
            return Interrupted;
        }
        catch (Exception e)
        {
            // Whatever the command did not handle itself (invalid configuration, a provider that cannot start) ends
            // here: one line, never a stack trace.
            return FailureReport.Report(e, writer);
        }
    }

    /// <summary>Builds the host, or reports on one line why it cannot be built and returns null.</summary>
    private static IHost? Build(FileInfo? configFile, HostCustomization customization, bool withScheduler, TextWriter writer)
    {
        try
        {
            var builder = WorkerHost.CreateBuilder([], configFile?.FullName, withScheduler, customization.Configure);
            customization.Services?.Invoke(builder.Services);
            return builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or FormatException)
        {
            // Configuration files are loaded here, while the builder is made: these are a malformed JSON file.
            FailureReport.ReportUnreadableConfiguration(e, writer);
            return null;
        }
        catch (Exception e)
        {
            FailureReport.Report(e, writer);
            return null;
        }
    }

    /// <summary>What a caller adds to every host the commands build: configuration sources and registrations.</summary>
    private sealed record HostCustomization(Action<IConfigurationBuilder>? Configure, Action<IServiceCollection>? Services);
}
