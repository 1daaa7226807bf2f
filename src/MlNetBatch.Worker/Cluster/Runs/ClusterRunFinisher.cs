using System.Text.Json;
using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Jobs.Engine;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// Ends a cluster run on whichever node commits its last partition (or fails one): folds the partitions' commit
/// records from the database into the output's manifest and, when all are in and within the bad-record limits,
/// writes <c>_SUCCESS</c>. The transition out of <c>running</c> is conditional, so exactly one node ends a run.
/// </summary>
internal sealed class ClusterRunFinisher(JobRunner runner, ClusterRunStore store, ILogger<ClusterRunFinisher> logger)
{
    /// <summary>Finishes <paramref name="run"/> when every partition is committed and no other node is finishing it.</summary>
    public async Task FinishIfLastAsync(ClusterNodeRun run, CancellationToken cancellationToken)
    {
        // A count after each commit: reading every partition's row each time would cost quadratic time in a run.
        if (await store.UncommittedAsync(run.Run.RunId, cancellationToken).ConfigureAwait(false) > 0
            || !await store.TransitionAsync(run.Run.RunId, ClusterStates.Running, ClusterStates.Finishing, null, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var rows = await store.PartitionsAsync(run.Run.RunId, cancellationToken).ConfigureAwait(false);

        try
        {
            var records = await FoldAsync(run, rows, complete: true, cancellationToken).ConfigureAwait(false);
            var budget = new BadRecordBudget(run.Run.Job, run.Job.Execution);
            budget.CommitRows(records.Sum(r => r.RowsIn), records.Sum(r => r.BadRows));
            budget.Finish();
            await store.TransitionAsync(run.Run.RunId, ClusterStates.Finishing, ClusterStates.Succeeded, null, CancellationToken.None).ConfigureAwait(false);
            logger.LogInformation("Job {Job}: cluster run {ClusterRun} finished on this node: {Partitions} partitions, {Rows} rows out; _SUCCESS written",
                run.Run.Job, run.Run.RunId, rows.Count, records.Sum(r => r.RowsOut));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var reason = FailureCause.ForUser(e).Message;
            logger.LogError("Job {Job}: cluster run {ClusterRun} could not be finished: {Reason}", run.Run.Job, run.Run.RunId, reason);
            await store.TransitionAsync(run.Run.RunId, ClusterStates.Finishing, ClusterStates.Failed, reason, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Fails <paramref name="run"/> for <paramref name="reason"/>, keeping in the manifest what was committed so that the next run resumes.</summary>
    public async Task FailAsync(ClusterNodeRun run, string reason, CancellationToken cancellationToken)
    {
        if (!await store.TransitionAsync(run.Run.RunId, ClusterStates.Running, ClusterStates.Failed, reason, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            var rows = await store.PartitionsAsync(run.Run.RunId, cancellationToken).ConfigureAwait(false);
            await FoldAsync(run, rows, complete: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MlNetBatchException or IOException or Npgsql.NpgsqlException)
        {
            logger.LogWarning("Job {Job}: the partitions committed before the failure are not recorded in the manifest ({Reason}); the next run scores them again",
                run.Run.Job, FailureCause.ForUser(e).Message);
        }
    }

    private async Task<IReadOnlyList<CommittedPartition>> FoldAsync(ClusterNodeRun run, IReadOnlyList<ClusterPartitionRow> rows, bool complete, CancellationToken cancellationToken)
    {
        // The output lease keeps a run of another worker outside the cluster from writing the manifest meanwhile.
        await using var session = await runner.OpenOutputAsync(
            run.Run.Job, run.Job, run.Prepared, new JobRunOptions { RunId = run.Run.RunId }, prepareDirectory: false, cancellationToken).ConfigureAwait(false);
        var records = new List<CommittedPartition>();
        foreach (var row in rows.Where(r => r is { State: ClusterStates.Committed, Record: not null }))
        {
            var entry = JsonSerializer.Deserialize<CommittedPartition>(row.Record!)!;
            records.Add(entry);
            await session.CommitLog.RecordAsync(run.Partition(row.PartitionId), entry, cancellationToken).ConfigureAwait(false);
        }

        if (complete)
        {
            await session.CommitLog.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await session.CommitLog.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return records;
    }
}
