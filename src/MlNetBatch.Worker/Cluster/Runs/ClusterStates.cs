namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>The states of a cluster run and of its partitions, as the tables hold them.</summary>
internal static class ClusterStates
{
    /// <summary>A run whose partitions are being scored.</summary>
    public const string Running = "running";

    /// <summary>A run whose last partition committed, being folded into the manifest by one node.</summary>
    public const string Finishing = "finishing";

    /// <summary>A run that ended with <c>_SUCCESS</c>.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>A run, or a partition, that failed.</summary>
    public const string Failed = "failed";

    /// <summary>A partition waiting for a node.</summary>
    public const string Pending = "pending";

    /// <summary>A partition a node is scoring.</summary>
    public const string Claimed = "claimed";

    /// <summary>A partition whose output is committed.</summary>
    public const string Committed = "committed";
}
