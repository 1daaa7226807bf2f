namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>One partition of a cluster run: <c>pending</c>, <c>claimed</c> (by <paramref name="Owner"/>), <c>committed</c> or <c>failed</c>.</summary>
internal sealed record ClusterPartitionRow(string PartitionId, string State, string? Owner, string? CommittedBy, string? Record, string? Error, long Epoch);
