using System.Text.Json;
using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Jobs.Engine;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// Ends a cluster run on whichever node commits its last partition (or fails one): judges the run's bad rows over all
/// its partitions, folds the partitions' commit records from the database into the output's manifest and, when all are
/// in, writes <c>_SUCCESS</c>. The transition out of <c>running</c> is conditional, so one node finishes a run at a
/// time; a finish left half done (its node died or lost the database) is taken over once it is stale.
/// </summary>
internal sealed class ClusterRunFinisher(
    JobRunner runner, ClusterRunStore store, ClusterNodeRuns nodeRuns, History.RunHistoryStore history, TimeProvider clock, ILogger<ClusterRunFinisher> logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Finishes <paramref name="run"/> when every partition is committed and no other node is finishing it.</summary>
    public async Task FinishIfLastAsync(ClusterNodeRun run, CancellationToken cancellationToken)
    {
        // A count after each commit: reading every partition's row each time would cost quadratic time in a run.
        if (await store.UncommittedAsync(run.Run.RunId, cancellationToken).ConfigureAwait(false) > 0
            || !await store.TransitionAsync(run.Run.RunId, ClusterStates.Running, ClusterStates.Finishing, null, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await FinishAsync(run).ConfigureAwait(false);
    }

    /// <summary>
    /// Finishes the runs of <paramref name="active"/> left unfinished: every partition committed but no node finishing
    /// it (its last committer died or lost the database), or a finish not heard of for <paramref name="stale"/>.
    /// </summary>
    public async Task FinishStalledAsync(IEnumerable<ClusterRunRow> active, TimeSpan stale, CancellationToken cancellationToken)
    {
        foreach (var row in active.Where(r => (r.State is ClusterStates.Running or ClusterStates.Finishing) && !nodeRuns.Excluded.Contains(r.RunId)))
        {
            ClusterNodeRun? run;
            try
            {
                run = await nodeRuns.GetAsync(row, cancellationToken).ConfigureAwait(false);
            }
            catch (MlNetBatchException)
            {
                // Tried again after a while (ClusterNodeRuns.RetryAfter); other nodes may finish it meanwhile.
                continue;
            }

            if (run is not null && row.State == ClusterStates.Finishing)
            {
                await TakeOverStalledFinishAsync(run, stale, cancellationToken).ConfigureAwait(false);
            }
            else if (run is not null)
            {
                await FinishIfLastAsync(run, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Finishes <paramref name="run"/> when the node that began its finish has not been heard of for <paramref name="stale"/>.</summary>
    public async Task TakeOverStalledFinishAsync(ClusterNodeRun run, TimeSpan stale, CancellationToken cancellationToken)
    {
        if (await store.TryTakeOverFinishAsync(run.Run.RunId, stale, cancellationToken).ConfigureAwait(false))
        {
            logger.LogWarning("Job {Job}: the finish of cluster run {ClusterRun} was left half done; finishing it on this node", run.Run.Job, run.Run.RunId);
            await FinishAsync(run).ConfigureAwait(false);
        }
    }

    // Not cancelled by a stop: a finish is short, and one cut off is taken over only after it is stale.
    private async Task FinishAsync(ClusterNodeRun run)
    {
        var rows = await store.PartitionsAsync(run.Run.RunId, CancellationToken.None).ConfigureAwait(false);
        var records = Records(rows);
        var scored = Records(rows.Where(r => r.CommittedBy != ClusterRunStore.EarlierRun));
        string? failure = null;
        try
        {
            // Judged before anything is written: a run over its limits must not leave a _SUCCESS behind. On this
            // run's rows, as a run without the cluster judges its own: a rerun does not fail again on rows kept.
            BadRecordBudget.Judge(run.Run.Job, run.Job.Execution, scored.Sum(r => r.RowsIn), scored.Sum(r => r.BadRows));
            await FoldAsync(run, rows, complete: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OutputLeasedException e)
        {
            // Another process holds the output just now: the run stays finishing, and is taken over once stale.
            logger.LogWarning("Job {Job}: cluster run {ClusterRun} cannot be finished yet: {Reason}", run.Run.Job, run.Run.RunId, e.Message);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = FailureCause.ForUser(e).Message;
            logger.LogError("Job {Job}: cluster run {ClusterRun} could not be finished: {Reason}", run.Run.Job, run.Run.RunId, failure);
            if (e is BadRecordLimitExceededException)
            {
                await TryFoldIncompleteAsync(run, rows).ConfigureAwait(false);
            }
        }

        // The outcome is on storage now (or the failure is known): the database must say so, however long it is away.
        var to = failure is null ? ClusterStates.Succeeded : ClusterStates.Failed;
        while (true)
        {
            try
            {
                await store.TransitionAsync(run.Run.RunId, ClusterStates.Finishing, to, failure, CancellationToken.None).ConfigureAwait(false);
                break;
            }
            catch (Npgsql.NpgsqlException e) when (e.IsTransient)
            {
                logger.LogWarning("Job {Job}: cluster run {ClusterRun} is {State} but the database cannot be told yet ({Reason}); will try again", run.Run.Job, run.Run.RunId, to, e.Message);
                await Task.Delay(RetryDelay).ConfigureAwait(false);
            }
            catch (Npgsql.NpgsqlException e)
            {
                // Left finishing: a waiting or idle node takes the finish over once it is stale.
                logger.LogError("Job {Job}: cluster run {ClusterRun} is {State} but the database refused to record it ({Reason})", run.Run.Job, run.Run.RunId, to, e.Message);
                return;
            }
        }

        if (failure is null)
        {
            logger.LogInformation("Job {Job}: cluster run {ClusterRun} finished on this node: {Partitions} partitions, {Rows} rows out; _SUCCESS written",
                run.Run.Job, run.Run.RunId, rows.Count, records.Sum(r => r.RowsOut));
        }

        RecordInHistory(run.Run, rows, failure);
    }

    /// <summary>
    /// The run's record in this node's history, under the run's id, when this process did not plan it: the planner
    /// records its own fire, but it may have died or been stopped while the run went on without it.
    /// </summary>
    private void RecordInHistory(ClusterRunRow run, IReadOnlyList<ClusterPartitionRow> rows, string? failure)
    {
        if (nodeRuns.PlannedHere(run.RunId))
        {
            return;
        }

        var scored = Records(rows.Where(r => r.CommittedBy != ClusterRunStore.EarlierRun));
        try
        {
            history.RecordEnded(new History.RunRecord(
                run.RunId, run.Job, run.StartedAt, clock.GetUtcNow(), failure is null ? History.RunStatus.Succeeded : History.RunStatus.Failed,
                scored.Sum(e => e.RowsIn), scored.Sum(e => e.RowsOut), scored.Sum(e => e.BadRows), Error: failure));
        }
        catch (MlNetBatchException e)
        {
            // The history is an aid to operators: the run's outcome is in the database and on storage regardless.
            logger.LogWarning("Job {Job}: cluster run {ClusterRun} could not be recorded in this node's history ({Reason})", run.Job, run.RunId, e.Message);
        }
    }

    /// <summary>Fails <paramref name="run"/> for <paramref name="reason"/>, keeping in the manifest what was committed so that the next run resumes.</summary>
    public async Task FailAsync(ClusterNodeRun run, string reason, CancellationToken cancellationToken)
    {
        if (await store.TransitionAsync(run.Run.RunId, ClusterStates.Running, ClusterStates.Failed, reason, cancellationToken).ConfigureAwait(false))
        {
            var rows = await store.PartitionsAsync(run.Run.RunId, cancellationToken).ConfigureAwait(false);
            await TryFoldIncompleteAsync(run, rows).ConfigureAwait(false);
            RecordInHistory(run.Run, rows, reason);
        }
    }

    private static List<CommittedPartition> Records(IEnumerable<ClusterPartitionRow> rows) =>
        [.. rows.Where(r => r is { State: ClusterStates.Committed, Record: not null }).Select(r => JsonSerializer.Deserialize<CommittedPartition>(r.Record!)!)];

    private async Task TryFoldIncompleteAsync(ClusterNodeRun run, IReadOnlyList<ClusterPartitionRow> rows)
    {
        try
        {
            await FoldAsync(run, rows, complete: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MlNetBatchException or IOException or Npgsql.NpgsqlException)
        {
            logger.LogWarning("Job {Job}: the partitions committed before the failure are not recorded in the manifest ({Reason}); the next run scores them again",
                run.Run.Job, FailureCause.ForUser(e).Message);
        }
    }

    private async Task FoldAsync(ClusterNodeRun run, IReadOnlyList<ClusterPartitionRow> rows, bool complete, CancellationToken cancellationToken)
    {
        // The output lease keeps a run of another worker outside the cluster from writing the manifest meanwhile.
        await using var session = await runner.OpenOutputAsync(
            run.Run.Job, run.Job, run.Prepared, new JobRunOptions { RunId = run.Run.RunId }, prepareDirectory: false, cancellationToken).ConfigureAwait(false);
        foreach (var row in rows.Where(r => r is { State: ClusterStates.Committed, Record: not null }))
        {
            await session.CommitLog.FoldAsync(run.Partition(row.PartitionId), JsonSerializer.Deserialize<CommittedPartition>(row.Record!)!, cancellationToken).ConfigureAwait(false);
        }

        if (complete)
        {
            await session.CommitLog.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await session.CommitLog.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
