using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

public class ExactlyOnceTests
{
    [Fact]
    public async Task A_rerun_skips_committed_partitions_and_rescores_only_changed_input()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir, files: 3);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var runner = Runner(dir);

        var first = await runner.RunAsync("resume", job);
        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
        var untouched = Directory.GetFiles(dir.Combine("out"), "part-0-*-00000.parquet").Single();
        var firstWrite = File.GetLastWriteTimeUtc(untouched);

        var second = await runner.RunAsync("resume", job);
        Assert.Equal(first.Partitions, second.ResumedPartitions);
        Assert.Equal(0, second.RowsOut);
        Assert.Equal(firstWrite, File.GetLastWriteTimeUtc(untouched));

        await TabularData.WriteParquetAsync(dir.Combine("in", "part-2.parquet"), 2000, 300, 100, seed: 99);
        var third = await runner.RunAsync("resume", job);
        Assert.Equal(first.Partitions - 3, third.ResumedPartitions);
        Assert.Equal(300, third.RowsOut);
        Assert.Equal(firstWrite, File.GetLastWriteTimeUtc(untouched));
        AssertEveryIdOnce(dir.Combine("out"), [.. Enumerable.Range(0, 2 * 250), .. Enumerable.Range(2000, 300)]);

        var restarted = await runner.RunAsync("resume", job, new JobRunOptions { Restart = true }, CancellationToken.None);
        Assert.Equal(0, restarted.ResumedPartitions);
        Assert.Equal(800, restarted.RowsOut);
    }

    [Fact]
    public async Task A_new_model_rescores_everything_and_outputs_of_deleted_inputs_disappear()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir, files: 2);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var runner = Runner(dir);
        await runner.RunAsync("model", job);

        File.WriteAllBytes(job.Model.ModelPath, TabularModel.Build(seed: 7));
        File.Delete(dir.Combine("in", "part-1.parquet"));
        var rerun = await runner.RunAsync("model", job);

        Assert.Equal(0, rerun.ResumedPartitions);
        Assert.Equal(250, rerun.RowsOut);
        AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 250));
    }

    [Fact]
    public async Task A_second_run_on_a_leased_output_names_the_holder_and_writes_nothing()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir, files: 1);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var output = ObjectLocation.Local(dir.Combine("out"));
        await using (var held = await OutputLease.AcquireAsync(new LocalObjectStore(), output, "other", null, TimeSpan.FromMinutes(5), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default))
        {
            var error = await Assert.ThrowsAsync<OutputLeasedException>(() => Runner(dir).RunAsync("leased", job));
            Assert.Contains(held.Holder, error.Message);
            Assert.Equal([OutputLease.LeaseName], Directory.GetFiles(dir.Combine("out")).Select(Path.GetFileName));
        }

        // Released: the next run takes the output.
        Assert.Equal(250, (await Runner(dir).RunAsync("leased", job)).RowsOut);
    }

    [Fact]
    public async Task An_expired_lease_of_a_dead_run_is_taken_over()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir, files: 1);
        Directory.CreateDirectory(dir.Combine("out"));
        await File.WriteAllTextAsync(dir.Combine("out", OutputLease.LeaseName), """{"Holder":"dead-host/pid 1","Job":"x","ExpiresAt":"2020-01-01T00:00:00+00:00"}""");
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));

        var summary = await Runner(dir).RunAsync("expired", job);

        Assert.Equal(250, summary.RowsOut);
        Assert.False(File.Exists(dir.Combine("out", OutputLease.LeaseName)));
    }

    [Fact]
    public async Task Transient_storage_faults_are_retried_and_the_output_equals_a_clean_run()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir, files: 3);
        var model = TestModels.Tabular(dir);
        var clean = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), model, dir.Combine("clean"));
        var flaky = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), model, dir.Combine("flaky"));
        await Runner(dir).RunAsync("clean", clean);
        flaky.Execution.PartitionRetries = 5;
        // Primes, so that the faults do not line up with the number of requests one attempt makes.
        var faults = new FaultInjectingObjectStore(new LocalObjectStore(), failEveryRequest: 5, failEveryStream: 7);
        var resolver = new ObjectStoreResolver([new RetryingObjectStore(faults, maxRetries: 5, baseDelay: TimeSpan.FromMilliseconds(1))]);

        var summary = await new JobRunner(resolver, new JobPaths(dir.Path)).RunAsync("flaky", flaky);

        Assert.True(faults.InjectedFaults > 3, $"only {faults.InjectedFaults} faults were injected");
        Assert.Equal(750, summary.RowsOut);
        var ml = new MLContext();
        Assert.Equal(
            ScoresById(ml, dir.Combine("clean")),
            ScoresById(ml, dir.Combine("flaky")));
    }

    [Fact]
    public async Task A_stop_request_commits_what_is_in_flight_and_the_next_run_resumes_the_rest()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir, files: 4);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        job.Execution.Parallelism = 1;
        using var stop = new CancellationTokenSource();
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path), new StopAfterFirstCommit(stop));

        var interrupted = await Assert.ThrowsAsync<JobInterruptedException>(() => runner.RunAsync("graceful", job, new JobRunOptions(), stop.Token));

        Assert.InRange(interrupted.Committed, 1, interrupted.Total - 1);
        Assert.False(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.inprogress"));
        var resumed = await Runner(dir).RunAsync("graceful", job);
        Assert.Equal(interrupted.Committed, resumed.ResumedPartitions);
        AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 4 * 250));
    }

    internal static async Task WriteInputAsync(TempDirectory dir, int files, int rows = 250)
    {
        Directory.CreateDirectory(dir.Combine("in"));
        for (var f = 0; f < files; f++)
        {
            await TabularData.WriteParquetAsync(dir.Combine("in", $"part-{f}.parquet"), f * rows, rows, 100, seed: f + 1);
        }
    }

    internal static void AssertEveryIdOnce(string output, IEnumerable<int> expected)
    {
        var ids = DataViewReader.Column<long>(new MLContext().Data.LoadFromParquet(output), "id");
        Assert.Equal(expected.Select(i => (long)i).Order(), ids.Order());
    }

    internal static Dictionary<long, float> ScoresById(MLContext ml, string output)
    {
        var view = ml.Data.LoadFromParquet(output);
        var ids = DataViewReader.Column<long>(view, "id");
        var probabilities = DataViewReader.Vectors(view, "probabilities");
        return ids.Select((id, i) => (id, probabilities[i][1])).ToDictionary(p => p.id, p => p.Item2);
    }

    private static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));

    /// <summary>Requests a stop when the first partition commits, the way SIGTERM would arrive mid-run.</summary>
    private sealed class StopAfterFirstCommit(CancellationTokenSource stop) : Microsoft.Extensions.Logging.ILoggerFactory, Microsoft.Extensions.Logging.ILogger
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("committed", StringComparison.Ordinal) && logLevel == Microsoft.Extensions.Logging.LogLevel.Debug)
            {
                stop.Cancel();
            }
        }
    }
}

public class OutputSafetyTests
{
    [Fact]
    public async Task A_sink_directory_that_holds_the_input_is_refused_and_nothing_is_deleted()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("in"));

        var error = await Assert.ThrowsAsync<JobFailedException>(() => new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("unsafe", job));

        Assert.Contains("contains the input file", error.Message);
        Assert.True(File.Exists(dir.Combine("in", "part-0.parquet")));
    }

    [Fact]
    public async Task Files_in_the_sink_that_the_job_did_not_write_are_left_alone_whatever_their_names()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 1);
        Directory.CreateDirectory(dir.Combine("out"));
        await File.WriteAllTextAsync(dir.Combine("out", "README.parquet"), "an operator's note");
        // Shaped like partition output (and like Spark's part files), but no manifest says the job wrote it.
        await File.WriteAllTextAsync(dir.Combine("out", "old-run-00007.parquet"), "somebody's file");
        await File.WriteAllTextAsync(dir.Combine("out", "x.parquet.0123456789abcdef0123456789abcdef.inprogress"), "somebody's temporary file");
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));

        await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("tidy", job);
        await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("tidy", job, new JobRunOptions { Restart = true }, CancellationToken.None);

        Assert.True(File.Exists(dir.Combine("out", "README.parquet")));
        Assert.True(File.Exists(dir.Combine("out", "old-run-00007.parquet")));
        Assert.True(File.Exists(dir.Combine("out", "x.parquet.0123456789abcdef0123456789abcdef.inprogress")));
    }

    [Fact]
    public async Task Temporaries_a_dead_run_left_for_its_own_commit_records_are_removed_and_no_others()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 2);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
        var prepared = await runner.PrepareAsync("tidy", job, CancellationToken.None);
        prepared.Model.Dispose();
        const string Temporary = ".0123456789abcdef0123456789abcdef.inprogress";
        var own = prepared.Partitions.Select(p => dir.Combine("out", CommitRecordFiles.Name(p.Id) + Temporary)).ToList();
        var foreign = dir.Combine("out", CommitRecordFiles.Name("a partition of another job") + Temporary);
        Directory.CreateDirectory(dir.Combine("out", CommitRecordFiles.Folder));
        foreach (var file in own.Append(foreign))
        {
            await File.WriteAllTextAsync(file, "{\"half\": ");
        }

        await runner.RunAsync("tidy", job);

        Assert.NotEmpty(own);
        Assert.All(own, file => Assert.False(File.Exists(file), file));
        Assert.True(File.Exists(foreign));
    }
}
