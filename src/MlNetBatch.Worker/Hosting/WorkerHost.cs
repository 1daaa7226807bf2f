using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Scoring.Functions;
using MlNetBatch.Worker.Progress;
using MlNetBatch.Worker.Scheduling;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Filters;

namespace MlNetBatch.Worker.Hosting;

/// <summary>Builds the worker's generic host: configuration, Serilog, the job engine and, for service mode, Quartz.</summary>
public static class WorkerHost
{
    /// <summary>The logging category of the generic host itself.</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private const string QuartzJobRunCategory = "Quartz.Core.JobRunShell";

    /// <summary>Creates the host builder.</summary>
    /// <param name="args">Command-line arguments passed on to configuration.</param>
    /// <param name="configFile">A JSON file layered over appsettings.json, if any.</param>
    /// <param name="withScheduler">True for service mode: Quartz runs the scheduled jobs.</param>
    /// <param name="configure">Extra configuration sources (tests use it to inject settings).</param>
    public static HostApplicationBuilder CreateBuilder(string[] args, string? configFile, bool withScheduler, Action<IConfigurationBuilder>? configure = null)
    {
        // A Windows service starts in C:\Windows\System32; relative job and log paths mean the install folder there,
        // as systemd's WorkingDirectory= makes them mean on Linux.
        if (Microsoft.Extensions.Hosting.WindowsServices.WindowsServiceHelpers.IsWindowsService())
        {
            Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        // appsettings.json is watched too: a malformed save must not unschedule its jobs.
        GuardedJsonFiles.Guard(builder.Configuration);
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new FileNotFoundException($"The configuration file '{configFile}' does not exist.", configFile);
            }

            builder.Configuration.AddJobConfigFile(configFile);
            // Environment variables still win over the extra file, as they do over appsettings.json.
            builder.Configuration.AddEnvironmentVariables();
        }

        configure?.Invoke(builder.Configuration);
        var node = Cluster.ClusterLogging.NodeId(builder.Configuration);
        if (node is not null)
        {
            Cluster.ClusterLogging.AddNodeToConsoleTemplates(builder.Configuration);
        }

        if (JournalConsole.IsActive)
        {
            JournalConsole.AddPriorityPrefixes(builder.Configuration);
        }

        builder.Services.AddSerilog((services, logger) => (JournalConsole.IsActive ? logger.WithSyslogPriority() : logger)
            .Enrich.WithProperty(Cluster.ClusterLogging.NodeProperty, node ?? string.Empty)
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            // The host logs a failed start with its whole stack; the worker reports that failure itself, on one line.
            .Filter.ByExcluding(e => e.Level >= LogEventLevel.Error && Matching.FromSource(HostCategory)(e))
            // So does a scheduled job that fails (BatchInferenceQuartzJob); Quartz would log the exception it is handed, stack and all.
            .Filter.ByExcluding(e => e.Exception is Quartz.JobExecutionException && Matching.FromSource(QuartzJobRunCategory)(e)));
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection(MlNetBatchOptions.SectionName), builder.Environment.ContentRootPath);
        // A command in a terminal shows a live display; redirected output and the service log a line at an interval.
        builder.Services.AddMlNetBatchProgress(
            builder.Configuration.GetSection($"{MlNetBatchOptions.SectionName}:{Progress.ProgressOptions.SectionName}"), liveDisplay: !withScheduler && !Console.IsOutputRedirected);
        AddStorageProviders(builder.Services, builder.Configuration.GetSection($"{MlNetBatchOptions.SectionName}:Storage"));
        builder.Services.AddSingleton<IValidateOptions<MlNetBatchOptions>>(new StorageSectionValidator(builder.Configuration.GetSection(MlNetBatchOptions.SectionName)));
        // Every command reports a bad schedule, not only service mode: Quartz checks it here, the core knows no cron.
        builder.Services.AddSingleton<IValidateOptions<MlNetBatchOptions>, CronScheduleValidator>();
        // The OCR sample: jobs name it as Model: { Kind: "Function", Name: "tesseract" }.
        builder.Services.AddOptions<Models.TesseractOcrOptions>();
        builder.Services.AddBatchModel<Models.TesseractOcrModel>("tesseract");
        builder.Services.AddMlNetBatchOperations(builder.Configuration, withScheduler);

        if (withScheduler)
        {
            // Running jobs get their grace period to commit in-flight partitions before the host gives up on them.
            builder.Services.AddOptions<HostOptions>().Configure<ConfiguredJobs>((options, jobs) =>
                options.ShutdownTimeout = ShutdownTimes.HostShutdownTimeout(ShutdownTimes.LongestGracePeriod(jobs.Read().Valid.Values)));
            builder.Services.AddMlNetBatchScheduling(builder.Configuration.GetSection(MlNetBatchOptions.SectionName));
            builder.Services.AddHostedService<ScheduleReporter>();
            builder.Services.AddSystemd();
            builder.Services.AddWindowsService(options => options.ServiceName = "MlNetBatch");
        }

        return builder;
    }

    /// <summary>
    /// http(s):// is always readable. s3://, az:// and gs:// are registered when their sections exist
    /// (MlNetBatch:Storage:S3, MlNetBatch:Storage:Azure, MlNetBatch:Storage:Gcs), so a worker that only reads local
    /// files needs no cloud settings; credentials come from the SDKs' standard chains.
    /// </summary>
    private static void AddStorageProviders(IServiceCollection services, IConfigurationSection storage)
    {
        services.AddMlNetBatchHttp(storage.GetSection("Http"));
        foreach (var provider in WorkerStorageProviders.Cloud.Where(p => storage.GetSection(p.Section).Exists()))
        {
            provider.Register(services, storage.GetSection(provider.Section));
        }
    }
}
