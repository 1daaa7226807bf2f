using Microsoft.Extensions.Logging;
using MlNetBatch.Storage;
using Polly;
using Polly.Retry;

namespace MlNetBatch.Jobs.Engine;

/// <summary>The one retry rule of a job: planning and each partition retry transient failures the same way.</summary>
internal static class PartitionRetries
{
    /// <summary>Retries work that failed for a transient reason, <see cref="ExecutionOptions.PartitionRetries"/> times, with backoff and jitter.</summary>
    public static ResiliencePipeline Create(ExecutionOptions execution, string jobName, ILogger logger) =>
        execution.PartitionRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientFailures.IsTransient),
                MaxRetryAttempts = execution.PartitionRetries,
                Delay = execution.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogWarning("Job {Job}: a transient failure ({Reason}); attempt {Attempt} in {Delay}",
                        jobName, FailureCause.ForUser(args.Outcome.Exception!).Message, args.AttemptNumber + 2, args.RetryDelay);
                    return default;
                },
            }).Build();
}
