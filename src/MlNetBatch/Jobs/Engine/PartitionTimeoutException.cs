namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// An attempt at a partition ran past <see cref="ExecutionOptions.PartitionTimeout"/> and was cancelled. A
/// <see cref="TimeoutException"/>, so the job's retry rule tries it again like any other transient failure.
/// </summary>
/// <remarks>Without the cancellation as its inner exception: that would make it look deliberate, not transient.</remarks>
internal sealed class PartitionTimeoutException(TimeSpan limit)
    : TimeoutException($"it did not finish within Execution:PartitionTimeout ({limit:c}) and was cancelled");
