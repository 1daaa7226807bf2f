using MlNetBatch.Data;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// Where a scored partition is committed, and the fence in front of it: a single run's output session (its lease
/// and manifest), or a cluster node's claim on one partition (its epoch in the cluster's database).
/// </summary>
internal interface IPartitionCommitTarget
{
    /// <summary>The store that holds the output directory.</summary>
    IObjectStore Store { get; }

    /// <summary>Where each partition's files go.</summary>
    PartitionOutputs Outputs { get; }

    /// <summary>Throws <see cref="OutputLeaseLostException"/> once this writer may no longer commit: call it before each file is published.</summary>
    void ThrowIfFenced(string jobName);

    /// <summary>Records <paramref name="partition"/> as committed; throws <see cref="OutputLeaseLostException"/> when the fence refuses it.</summary>
    Task RecordAsync(Partition partition, CommittedPartition entry, CancellationToken cancellationToken);
}
