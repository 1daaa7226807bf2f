using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MlNetBatch.Data;
using Polly;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// One run's work on its pending partitions: a few workers take partitions from a queue and hand each to the
/// <see cref="PartitionExecutor"/>, retrying transient failures with backoff. A stop request ends the taking of new
/// partitions; a permanent failure does too, and is rethrown once the others have finished.
/// </summary>
internal sealed class PartitionRun(string jobName, ExecutionOptions execution, PartitionExecutor executor, ILogger logger)
{
    private readonly ResiliencePipeline _retries = PartitionRetries.Create(execution, jobName, logger);

    /// <summary>Runs <paramref name="pending"/> to completion, to a stop request (and its grace period) or to the first permanent failure.</summary>
    public async Task ExecuteAsync(IReadOnlyList<Partition> pending, CancellationToken stopToken)
    {
        var queue = new ConcurrentQueue<Partition>(pending);
        using var failed = new CancellationTokenSource();
        using var abandon = new CancellationTokenSource();
        // A stop request lets partitions in flight finish within the grace period; after it they are abandoned.
        await using var onStop = stopToken.Register(() => abandon.CancelAfter(execution.ShutdownGracePeriod));
        var failures = new ConcurrentQueue<Exception>();
        // Parallelism partitions read, score and write at a time; as many again may be committing, which mostly
        // waits for the disk to take the file, so that the processors go on with the next partitions meanwhile.
        var slots = new ProcessorSlots(execution.Parallelism, executor.Device, () => queue.Count, stopToken);
        var workers = Enumerable.Range(0, Math.Max(1, Math.Min(2 * execution.Parallelism, pending.Count))).Select(_ => Task.Run(async () =>
        {
            while (!stopToken.IsCancellationRequested && !failed.IsCancellationRequested && queue.TryDequeue(out var partition))
            {
                using var scope = logger.BeginScope(new Dictionary<string, object> { ["Partition"] = partition.Id });
                try
                {
                    await _retries.ExecuteAsync(async ct => await executor.ExecuteAsync(partition, slots, ct).ConfigureAwait(false), abandon.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (abandon.IsCancellationRequested || stopToken.IsCancellationRequested)
                {
                    logger.LogWarning("Job {Job}: partition {Partition} was abandoned at shutdown; nothing of it is visible", jobName, partition.Id);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e is BadRecordLimitExceededException || FailureCause.ForUser(e) is BadRecordLimitExceededException
                        ? FailureCause.ForUser(e)
                        : new JobFailedException(jobName, $"partition {partition.Id} failed: {Describe(e)}", e));
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
            logger.LogWarning("Job {Job}: the shutdown grace period ended with partitions still in flight; they are abandoned", jobName);
            return;
        }

        if (failures.TryDequeue(out var failure))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        if (!stopToken.IsCancellationRequested)
        {
            executor.Budget.Finish();
        }
    }

    private string Describe(Exception e)
    {
        var cause = FailureCause.ForUser(e);
        return cause is DataFormatException && !executor.Budget.Tolerant
            ? cause.Message + " To set such rows aside in the quarantine instead of failing, set Execution:MaxBadRecords or Execution:MaxBadRecordRatio."
            : cause.Message;
    }
}
