namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>A cluster run as its row says: the job, what it scores with (settings and model), its plan, output and planner.</summary>
internal sealed record ClusterRunRow(string RunId, string Job, string Fingerprint, string PlanHash, string Output, string PlannedBy)
{
    /// <summary><c>running</c>, <c>finishing</c>, <c>succeeded</c> or <c>failed</c>.</summary>
    public string State { get; init; } = ClusterStates.Running;

    /// <summary>Why a failed run failed.</summary>
    public string? Error { get; init; }

    /// <summary>When the run was planned, by the database's clock.</summary>
    public DateTimeOffset StartedAt { get; init; }
}
