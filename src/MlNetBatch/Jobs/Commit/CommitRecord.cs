namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// One partition's commit, written as <c>_commits/&lt;partition&gt;.json</c> the moment the partition is committed and
/// folded into the run's manifest at its end. A record counts only for runs of the same split of the job (its
/// <see cref="Manifest"/>), settings and model.
/// </summary>
internal sealed class CommitRecord
{
    /// <summary>The job that committed it: a directory holding another job's records is refused, never cleaned.</summary>
    public string Job { get; set; } = string.Empty;

    /// <summary>The partition's id.</summary>
    public string Partition { get; set; } = string.Empty;

    /// <summary>The manifest of the run that committed it: <c>_manifest.json</c>, or its shard's.</summary>
    public string Manifest { get; set; } = string.Empty;

    /// <summary>The hash of the output-shaping settings it was scored with.</summary>
    public string ConfigHash { get; set; } = string.Empty;

    /// <summary>The hash of the model it was scored with.</summary>
    public string ModelHash { get; set; } = string.Empty;

    /// <summary>What was read and written, with the committing run's lease epoch.</summary>
    public CommittedPartition Entry { get; set; } = new();
}
