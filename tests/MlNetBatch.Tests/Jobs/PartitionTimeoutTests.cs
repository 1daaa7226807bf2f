using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Scoring.Functions;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs;

/// <summary><c>Execution:PartitionTimeout</c>: a partition attempt stuck past it is cancelled, retried, and then fails the run in one line.</summary>
public class PartitionTimeoutTests
{
    [Fact]
    public async Task A_hung_model_fails_the_run_at_the_limit_naming_the_partition_and_leaves_no_success_marker()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir);
        // Every call hangs for ten minutes: only the limit ends the attempts.
        var model = new SumModel { Delay = TimeSpan.FromMinutes(10) };
        var job = Job(dir, TimeSpan.FromSeconds(1));
        var started = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<JobFailedException>(() => BatchModelJobTests.Runner(dir, model, 2).RunAsync("hung", job));

        Assert.Matches(@"^Job 'hung': partition \S+ failed: it did not finish within Execution:PartitionTimeout \(00:00:01\) and was cancelled", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        // Two attempts of a second each, and a retry delay, not ten minutes.
        Assert.True(started.Elapsed < TimeSpan.FromMinutes(2), $"the run took {started.Elapsed}");
        Assert.False(File.Exists(dir.Combine("out", "_SUCCESS")));
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.parquet"));
    }

    [Fact]
    public async Task A_partition_within_the_limit_is_untouched_by_it()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir);
        var job = Job(dir, TimeSpan.FromMinutes(1));

        var summary = await BatchModelJobTests.Runner(dir, new SumModel(), 2).RunAsync("bounded", job);

        Assert.Equal(400, summary.RowsOut);
        Assert.True(File.Exists(dir.Combine("out", "_SUCCESS")));
    }

    [Fact]
    public async Task Waiting_for_a_processor_slot_does_not_count_against_the_limit()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        // Four partitions of 100 rows, 13 calls of 100 ms each: about 1.3 s a partition, one at a time, while the
        // next partition waits for the slot as long. Each attempt alone is well within 2 s; with the wait, it is not.
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 400, 100, seed: 1);
        var model = new SumModel { Delay = TimeSpan.FromMilliseconds(100) };
        var job = Job(dir, TimeSpan.FromSeconds(2));
        job.Execution.Parallelism = 1;
        job.Execution.PartitionRetries = 0;

        var summary = await BatchModelJobTests.Runner(dir, model, 1).RunAsync("queued", job);

        Assert.Equal(400, summary.RowsOut);
    }

    [Fact]
    public void A_negative_limit_is_refused_when_the_job_is_validated()
    {
        using var dir = new TempDirectory();
        var job = Job(dir, TimeSpan.FromSeconds(-1));

        var problems = new JobDefinitionValidator(new JobPaths(dir.Path)).Problems("neg", job).ToList();

        Assert.Contains(problems, p => p.Contains("RetryDelay, ShutdownGracePeriod and PartitionTimeout must not be negative", StringComparison.Ordinal));
    }

    private static JobDefinition Job(TempDirectory dir, TimeSpan timeout) => new()
    {
        Source = new SourceDefinition { Path = dir.Combine("in", "*.parquet"), RowGroupsPerPartition = 1 },
        Model = new ModelDefinition { Kind = ModelKind.Function, Name = "sum" },
        Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["id", "total"] },
        Execution = new ExecutionOptions { Parallelism = 2, PartitionTimeout = timeout, PartitionRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) },
    };

    private static async Task WriteInputAsync(TempDirectory dir)
    {
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 400, 100, seed: 1);
    }
}
