using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Jobs.Commit;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs;

/// <summary>Every line a run logs carries the job and the run id as structured properties, and lines about a partition its id.</summary>
public class JobLogPropertiesTests
{
    [Fact]
    public async Task Every_line_of_a_run_carries_job_and_run_id_and_partition_lines_the_partition()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 2);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var provider = new ScopeCapturingProvider();
        using var factory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));

        await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path), factory).RunAsync("tagged", job, new JobRunOptions { RunId = "run-42" }, CancellationToken.None);

        var lines = provider.Lines.ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            Assert.Equal("tagged", line.Properties.GetValueOrDefault("Job"));
            Assert.Equal("run-42", line.Properties.GetValueOrDefault("RunId"));
        });
        var committed = lines.Where(l => l.Message.Contains(": partition ", StringComparison.Ordinal) && l.Message.Contains(" committed, ", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, committed.Count);
        Assert.All(committed, line => Assert.Contains(line.Properties.GetValueOrDefault("Partition") as string ?? "<none>", line.Message, StringComparison.Ordinal));
    }

    private sealed record Line(string Message, IReadOnlyDictionary<string, object?> Properties);

    /// <summary>A logging provider that records each line with the properties of the scopes around it.</summary>
    private sealed class ScopeCapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public System.Collections.Concurrent.ConcurrentQueue<Line> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapturingProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

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
                owner.Lines.Enqueue(new Line(formatter(state, exception), properties));
            }
        }
    }
}
