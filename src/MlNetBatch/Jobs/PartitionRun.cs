using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MlNetBatch.Data;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Storage;
using Polly;
using Polly.Retry;

namespace MlNetBatch.Jobs;

/// <summary>
/// One run's work on its pending partitions: a few workers take partitions from a queue, score each (retrying
/// transient failures with backoff), and commit it — output, quarantine, then the manifest entry. A stop request
/// ends the taking of new partitions; a permanent failure does too, and is rethrown once the others have finished.
/// </summary>
internal sealed class PartitionRun
{
    private readonly JobRunner _runner;
    private readonly string _jobName;
    private readonly JobDefinition _job;
    private readonly PreparedJob _prepared;
    private readonly IObjectStore _store;
    private readonly PartitionOutputs _outputs;
    private readonly OutputCommitLog _commitLog;
    private readonly BadRecordBudget _budget;
    private readonly ResiliencePipeline _retries;
    private long _rowsIn;
    private long _rowsOut;
    private long _missingValues;

    public PartitionRun(JobRunner runner, string jobName, JobDefinition job, PreparedJob prepared, IObjectStore store, PartitionOutputs outputs, OutputCommitLog commitLog)
    {
        _runner = runner;
        _jobName = jobName;
        _job = job;
        _prepared = prepared;
        _store = store;
        _outputs = outputs;
        _commitLog = commitLog;
        _budget = new BadRecordBudget(jobName, job.Execution);
        _retries = CreateRetryPipeline(job, jobName, runner.Logger);
    }

    /// <summary>Retries work that failed for a transient reason, <see cref="ExecutionOptions.PartitionRetries"/> times, with backoff and jitter.</summary>
    public static ResiliencePipeline CreateRetryPipeline(JobDefinition job, string jobName, ILogger logger) =>
        job.Execution.PartitionRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientFailures.IsTransient),
                MaxRetryAttempts = job.Execution.PartitionRetries,
                Delay = job.Execution.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogWarning("Job {Job}: a transient failure ({Reason}); attempt {Attempt} in {Delay}",
                        jobName, JobRunner.UserFacingCause(args.Outcome.Exception!).Message, args.AttemptNumber + 2, args.RetryDelay);
                    return default;
                },
            }).Build();

    public long RowsIn => Interlocked.Read(ref _rowsIn);

    public long RowsOut => Interlocked.Read(ref _rowsOut);

    public long BadRows => _budget.BadRows;

    public long MissingValues => Interlocked.Read(ref _missingValues);

    public async Task ExecuteAsync(IReadOnlyList<Partition> pending, CancellationToken stopToken)
    {
        var queue = new ConcurrentQueue<Partition>(pending);
        using var failed = new CancellationTokenSource();
        using var abandon = new CancellationTokenSource();
        // A stop request lets partitions in flight finish within the grace period; after it they are abandoned.
        await using var onStop = stopToken.Register(() => abandon.CancelAfter(_job.Execution.ShutdownGracePeriod));
        var failures = new ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, Math.Max(1, Math.Min(_job.Execution.Parallelism, pending.Count))).Select(_ => Task.Run(async () =>
        {
            while (!stopToken.IsCancellationRequested && !failed.IsCancellationRequested && queue.TryDequeue(out var partition))
            {
                try
                {
                    await _retries.ExecuteAsync(async ct => await CommitAsync(partition, ct).ConfigureAwait(false), abandon.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (abandon.IsCancellationRequested)
                {
                    _runner.Logger.LogWarning("Job {Job}: partition {Partition} was abandoned at shutdown; nothing of it is visible", _jobName, partition.Id);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e is BadRecordLimitExceededException || JobRunner.UserFacingCause(e) is BadRecordLimitExceededException
                        ? JobRunner.UserFacingCause(e)
                        : new JobFailedException(_jobName, $"partition {partition.Id} failed: {Describe(e)}", e));
                    await failed.CancelAsync().ConfigureAwait(false);
                }
            }
        })).ToList();
        try
        {
            await Task.WhenAll(workers).WaitAsync(abandon.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // The grace period is over: stop waiting for partitions stuck in flight. Their output was never committed,
            // so nothing of them is visible; their temporary files are removed by the next run.
            _runner.Logger.LogWarning("Job {Job}: the shutdown grace period ended with partitions still in flight; they are abandoned", _jobName);
            return;
        }

        if (failures.TryDequeue(out var failure))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        if (!stopToken.IsCancellationRequested)
        {
            _budget.Finish();
        }
    }

    private async Task CommitAsync(Partition partition, CancellationToken cancellationToken)
    {
        var (rowsOut, badRows, missingValues, output, quarantine) = await _runner.ScorePartitionAsync(
            _job, _prepared, _outputs, _store, partition, _budget, cancellationToken).ConfigureAwait(false);
        JobObserver.Reach(JobPoint.AfterOutputCommit);
        await _commitLog.RecordAsync(partition, new CommittedPartition
        {
            InputSize = partition.File.Size,
            InputETag = partition.File.ETag,
            Output = output.ToString(),
            Quarantine = quarantine?.ToString(),
            RowsIn = rowsOut + badRows,
            RowsOut = rowsOut,
            BadRows = badRows,
            MissingValues = missingValues,
            CommittedAt = DateTimeOffset.UtcNow,
        }, CancellationToken.None).ConfigureAwait(false);
        Interlocked.Add(ref _rowsIn, rowsOut + badRows);
        Interlocked.Add(ref _rowsOut, rowsOut);
        Interlocked.Add(ref _missingValues, missingValues);
        _budget.CommitRows(rowsOut + badRows);
        _runner.Logger.LogDebug("Job {Job}: partition {Partition} committed, {Rows} rows to {Output}", _jobName, partition.Id, rowsOut, output);
    }

    private string Describe(Exception e)
    {
        var cause = JobRunner.UserFacingCause(e);
        return cause is DataFormatException && !_budget.Tolerant
            ? cause.Message + " To set such rows aside in the quarantine instead of failing, set Execution:MaxBadRecords or Execution:MaxBadRecordRatio."
            : cause.Message;
    }
}
