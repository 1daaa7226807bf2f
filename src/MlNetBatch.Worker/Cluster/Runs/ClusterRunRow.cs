namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>A cluster run as its row says: the job, what it scores with (settings and model), its plan, output and planner.</summary>
internal sealed record ClusterRunRow(string RunId, string Job, string Fingerprint, string PlanHash, string Output, string PlannedBy)
{
    /// <summary><c>running</c>, <c>succeeded</c> or <c>failed</c>.</summary>
    public string State { get; init; } = "running";

    /// <summary>Why a failed run failed.</summary>
    public string? Error { get; init; }
}

/// <summary>One partition of a cluster run: <c>pending</c>, <c>claimed</c> (by <paramref name="Owner"/>), <c>committed</c> or <c>failed</c>.</summary>
internal sealed record ClusterPartitionRow(string PartitionId, string State, string? Owner, string? CommittedBy, string? Record, string? Error, long Epoch);
