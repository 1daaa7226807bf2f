namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// A node's claim on one partition of a cluster run. <paramref name="Epoch"/> is the fencing token: it grew when this
/// node claimed the partition, and a commit is taken only while it is still the partition's epoch.
/// </summary>
/// <param name="RunId">The cluster run.</param>
/// <param name="Job">The job's name.</param>
/// <param name="PartitionId">The partition.</param>
/// <param name="Epoch">The claim's fencing token.</param>
/// <param name="RecoveredFrom">The node whose claim ran out and was taken over, or null for a fresh one.</param>
internal sealed record PartitionClaim(string RunId, string Job, string PartitionId, long Epoch, string? RecoveredFrom);
