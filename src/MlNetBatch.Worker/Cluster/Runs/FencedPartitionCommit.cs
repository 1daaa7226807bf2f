using System.Text.Json;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Jobs.Engine;
using MlNetBatch.Storage;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// A cluster node's commit of one claimed partition. Files are published only while the claim is known to be held
/// (<see cref="ClaimHold"/>), and the commit record is taken by the database only if the claim's epoch is still the
/// partition's: a node paused past its claim (a zombie) commits nothing.
/// </summary>
internal sealed class FencedPartitionCommit(ClusterNodeRun run, ClaimHold hold, ClusterRunStore store, string node) : IPartitionCommitTarget
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    public IObjectStore Store => run.Store;

    public PartitionOutputs Outputs => run.Outputs;

    public void ThrowIfFenced(string jobName)
    {
        if (hold.LossReason() is { } reason)
        {
            throw new PartitionClaimLostException(jobName, hold.Claim, reason);
        }
    }

    public async Task RecordAsync(Partition partition, CommittedPartition entry, CancellationToken cancellationToken)
    {
        var claim = hold.Claim;
        var record = JsonSerializer.Serialize(entry);
        bool taken;
        ThrowIfFenced(claim.Job);
        while (true)
        {
            // Retries ask the database alone, whose epoch check decides: a commit that landed but whose answer was lost
            // makes the next renewal miss the claim, and checking the hold here would call that commit lost.
            try
            {
                taken = await store.Claims.EndClaimAsync(claim, ClusterStates.Committed, node, record, error: null, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Npgsql.NpgsqlException) when (!cancellationToken.IsCancellationRequested)
            {
                // The database is restarting or out of reach: the files are published, so the commit is tried again;
                // once another node has claimed the partition (after the claim ran out) the epoch refuses it.
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!taken)
        {
            throw new PartitionClaimLostException(claim.Job, claim, $"another node claimed it after epoch {claim.Epoch}, so this commit is refused");
        }

        hold.Committed = true;
    }
}
