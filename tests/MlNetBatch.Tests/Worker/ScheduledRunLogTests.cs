using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.History;
using MlNetBatch.Worker.Hosting;
using MlNetBatch.Worker.Scheduling;
using Quartz;

namespace MlNetBatch.Tests.Worker;

/// <summary>What the service logs around a scheduled run: every line of it carries the run's Job and RunId (the history's).</summary>
[Collection(InProcessWorkerHostCollection.Name)]
public class ScheduledRunLogTests
{
    [Fact]
    public async Task The_fired_line_and_the_failure_line_of_a_scheduled_run_carry_the_historys_run_id()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("good.parquet"), 0, 300, 300, seed: 5);
        await File.WriteAllTextAsync(dir.Combine("broken.parquet"), "not parquet at all");
        var (lines, runs) = await RunScheduledAsync(dir, "good", "broken");

        var good = runs["good"];
        var broken = runs["broken"];
        Assert.Equal(RunStatus.Succeeded, good.Status);
        Assert.Equal(RunStatus.Failed, broken.Status);
        var fired = lines.Where(l => l.Message.StartsWith("Job good fired for ", StringComparison.Ordinal)).ToList();
        Assert.Equal(good.RunId, Assert.Single(fired).Property("RunId"));
        Assert.Equal("good", fired[0].Property("Job"));
        Assert.Equal(broken.RunId, Assert.Single(lines, l => l.Message.StartsWith("Job broken fired for ", StringComparison.Ordinal)).Property("RunId"));
        var failure = Assert.Single(lines, l => l.Level == LogLevel.Error && l.Message.StartsWith("Job 'broken':", StringComparison.Ordinal));
        Assert.Equal(broken.RunId, failure.Property("RunId"));
        // Every line of the scheduled runs names its run: none of them is left without a RunId.
        Assert.All(lines.Where(l => l.Category.StartsWith("MlNetBatch", StringComparison.Ordinal) && l.Property("Job") is not null),
            l => Assert.Contains(l.Property("RunId"), new[] { good.RunId, broken.RunId }));
    }

    [Fact]
    public async Task A_scheduled_run_logs_a_line_per_stage_and_keeps_the_stages_in_its_history_record()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("staged.parquet"), 0, 300, 300, seed: 5);
        var (lines, runs) = await RunScheduledAsync(dir, "staged");

        var run = runs["staged"];
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(["read", "score", "write"], run.Stages.Select(s => s.Name));
        Assert.All(run.Stages, s => Assert.Equal(300, s.Rows));
        var stageLines = lines.Where(l => l.Level == LogLevel.Information && l.Message.StartsWith("Job staged stage ", StringComparison.Ordinal)).ToList();
        Assert.Equal(run.Stages.Select(s => s.Name), stageLines.Select(l => l.Property("@Stage")));
        Assert.All(stageLines, l => Assert.Equal(run.RunId, l.Property("RunId")));
        Assert.All(stageLines, l => Assert.Matches(@": busy \d+\.\d{3} s, cpu (\d+\.\d{3}|-) s, rows 300, bytes (\d+|-), input wait \d+\.\d{3} s, output wait \d+\.\d{3} s$", l.Message));
        Assert.Single(stageLines, l => l.Message.StartsWith($"Job staged stage {run.Bottleneck} (bottleneck): ", StringComparison.Ordinal));
    }

    /// <summary>Starts the service host with the jobs, fires each once through Quartz, and returns the lines logged and each job's run.</summary>
    internal static async Task<(List<CapturedLine> Lines, Dictionary<string, RunRecord> Runs)> RunScheduledAsync(TempDirectory dir, params string[] jobs)
    {
        var settings = new Dictionary<string, string?> { ["MlNetBatch:StateDirectory"] = dir.Combine("state") };
        foreach (var job in jobs)
        {
            foreach (var (key, value) in JobConfiguration.TabularJob(job, dir.Combine($"{job}.parquet"), RepositoryPaths.SampleModel, dir.Combine($"{job}-out"), schedule: "0 0 3 * * ?"))
            {
                settings[key] = value;
            }
        }

        var provider = new ScopeCapturingProvider();
        var builder = WorkerHost.CreateBuilder([], configFile: null, withScheduler: true, JobConfiguration.With(settings));
        // The captured lines replace Serilog's output: the same ILogger calls and scopes, read back with their properties.
        builder.Services.AddSingleton<ILoggerFactory>(_ => LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Information).AddProvider(provider)));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            foreach (var job in jobs)
            {
                var done = new CompletionListener(job);
                scheduler.ListenerManager.AddJobListener(done);
                await scheduler.TriggerJob(new JobKey(job, SchedulingServiceCollectionExtensions.JobGroup));
                await done.Completion.WaitAsync(TimeSpan.FromMinutes(2));
                scheduler.ListenerManager.RemoveJobListener(done.Name);
            }
        }
        finally
        {
            await host.StopAsync();
        }

        var history = host.Services.GetRequiredService<RunHistoryStore>();
        return (provider.Lines.ToList(), jobs.ToDictionary(j => j, j => Assert.Single(history.Recent(j, 5))));
    }

    internal sealed record CapturedLine(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties)
    {
        public object? Property(string name) => Properties.GetValueOrDefault(name);
    }

    /// <summary>A logging provider that records each line with its own properties and those of the scopes around it.</summary>
    private sealed class ScopeCapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<CapturedLine> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapturingProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var properties = new Dictionary<string, object?>();
                owner._scopes.ForEachScope(
                    (scope, into) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object>> pairs)
                        {
                            foreach (var (key, value) in pairs)
                            {
                                into[key] = value;
                            }
                        }
                    },
                    properties);
                if (state is IEnumerable<KeyValuePair<string, object?>> own)
                {
                    foreach (var (key, value) in own)
                    {
                        properties["@" + key] = value;
                    }
                }

                owner.Lines.Enqueue(new CapturedLine(category, logLevel, formatter(state, exception), properties));
            }
        }
    }

    private sealed class CompletionListener(string job) : IJobListener
    {
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => $"test-completion-{job}";

        public Task Completion => _completion.Task;

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            if (context.JobDetail.Key.Name == job)
            {
                _completion.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }
}
