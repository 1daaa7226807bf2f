namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>A node's claim on a partition ended before it committed: another node scores it, and this node's work is dropped.</summary>
internal sealed class PartitionClaimLostException(string job, PartitionClaim claim, string reason)
    : MlNetBatchException($"Job '{job}': partition {claim.PartitionId} is no longer this node's ({reason}); it commits nothing of it.");
