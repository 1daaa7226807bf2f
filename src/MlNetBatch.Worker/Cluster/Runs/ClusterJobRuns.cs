using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// A scheduled run of a job in a cluster: the node Quartz fires it on plans it once (lists the partitions, takes the
/// output and claims its files, records the run and its partitions in the database) and then waits while every node,
/// itself included, scores partitions; or it joins the run of the job already in progress. The run ends on the node
/// that commits its last partition; this node then reports the outcome.
/// </summary>
internal sealed class ClusterJobRuns(
    IOptions<ClusterOptions> options, ClusterRunStore store, ClusterNodeRuns nodeRuns, ClusterRunFinisher finisher, JobRunner runner, ILogger<ClusterJobRuns> logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs <paramref name="name"/> across the cluster and returns its summary, or throws as a local run would.</summary>
    public async Task<JobRunSummary> RunAsync(string name, JobDefinition job, string runId, CancellationToken stopToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await store.EnsureTablesAsync(stopToken).ConfigureAwait(false);
        var run = await store.ActiveRunAsync(name, stopToken).ConfigureAwait(false) ?? await PlanAsync(name, job, runId, stopToken).ConfigureAwait(false);
        if (run.RunId != runId)
        {
            logger.LogInformation("Job {Job}: joining cluster run {ClusterRun}, planned by node {Node} and still in progress", name, run.RunId, run.PlannedBy);
        }

        while (true)
        {
            ClusterRunRow? current;
            try
            {
                current = await store.RunAsync(run.RunId, CancellationToken.None).ConfigureAwait(false);
                if (current?.State is ClusterStates.Running or ClusterStates.Finishing)
                {
                    // Its last committer, or its finisher, may have died or lost the database: the run is finished here then.
                    await finisher.FinishStalledAsync([current], options.Value.PartitionClaimLifetime, stopToken).ConfigureAwait(false);
                }
            }
            catch (Npgsql.NpgsqlException e) when (!stopToken.IsCancellationRequested)
            {
                // The nodes go on scoring and retry their commits; this node waits for the database with them.
                logger.LogWarning("Job {Job}: the cluster database cannot be reached ({Reason}); waiting for it", name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stopToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                continue;
            }

            switch (current?.State)
            {
                case ClusterStates.Succeeded:
                    return await SummaryAsync(current, stopwatch.Elapsed).ConfigureAwait(false);
                case ClusterStates.Failed:
                    throw new JobFailedException(name, $"cluster run {run.RunId} failed: {current.Error}");
                case null:
                    throw new JobFailedException(name, $"cluster run {run.RunId} is no longer in the cluster database");
            }

            if (stopToken.IsCancellationRequested)
            {
                var rows = await store.PartitionsAsync(run.RunId, CancellationToken.None).ConfigureAwait(false);
                logger.LogWarning("Job {Job}: this node stops waiting for cluster run {ClusterRun}; the other nodes go on with it", name, run.RunId);
                throw new JobInterruptedException(name, rows.Count(r => r.State == ClusterStates.Committed), rows.Count);
            }

            await Task.Delay(PollInterval, stopToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private async Task<ClusterRunRow> PlanAsync(string name, JobDefinition job, string runId, CancellationToken stopToken)
    {
        var prepared = await runner.PrepareAsync(name, job, stopToken).ConfigureAwait(false);
        try
        {
            ClusterRunRow run;
            int pending;
            // The output lease is held while the directory is made ready and every partition's files are claimed in the
            // manifest, before any node writes one; the run's row then guards the directory until the run ends.
            await using (var session = await runner.OpenOutputAsync(name, job, prepared, new JobRunOptions { RunId = runId }, prepareDirectory: true, stopToken).ConfigureAwait(false))
            {
                run = new ClusterRunRow(runId, name, ClusterNodeRun.Fingerprint(job, prepared), Jobs.Engine.OutputSession.PlanHash(session.Plan), prepared.OutputDirectory.ToString(), options.Value.ResolvedNodeId);
                var committed = session.Mine.Except(session.Pending)
                    .ToDictionary(p => p.Id, p => JsonSerializer.Serialize(session.CommitLog.Entry(p, session.Outputs.DataFile(p))), StringComparer.Ordinal);
                await session.CommitLog.FlushAsync(stopToken).ConfigureAwait(false);
                pending = session.Pending.Count;
                if (!await store.TryStartAsync(run, (Data.SourceListing.ToJson(prepared.Source.Files), prepared.Fitted.ToJson()), session.Mine.Select(p => p.Id).ToList(), committed, stopToken).ConfigureAwait(false))
                {
                    // Another node planned the job meanwhile: join that run.
                    prepared.Model.Dispose();
                    return await store.ActiveRunAsync(name, stopToken).ConfigureAwait(false) ?? throw new JobFailedException(name, "another node planned the job and its run ended at once");
                }
            }

            var (outputStore, outputs) = runner.LocateOutput(job, prepared);
            var nodeRun = new ClusterNodeRun(run, job, prepared, outputStore, outputs);
            nodeRuns.Adopt(nodeRun);
            logger.LogInformation("Job {Job}: cluster run {ClusterRun} planned on this node: {Pending} of {Partitions} partitions to score across the cluster",
                name, runId, pending, prepared.Partitions.Count);
            await PruneAsync(stopToken).ConfigureAwait(false);
            if (pending == 0)
            {
                await finisher.FinishIfLastAsync(nodeRun, stopToken).ConfigureAwait(false);
            }

            return run;
        }
        catch
        {
            prepared.Model.Dispose();
            throw;
        }
    }

    /// <summary>Deletes runs past <see cref="ClusterOptions.RunRetention"/>; a failure only delays it to the next run planned.</summary>
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await store.PruneAsync(options.Value.RunRetention, cancellationToken).ConfigureAwait(false) is > 0 and var pruned)
            {
                logger.LogInformation("Cluster: {Runs} run(s) ended more than {Retention} ago removed from the runs table", pruned, options.Value.RunRetention);
            }
        }
        catch (Npgsql.NpgsqlException e)
        {
            logger.LogWarning("Cluster: old runs could not be removed from the runs table ({Reason}); the next run planned tries again", e.Message);
        }
    }

    private async Task<JobRunSummary> SummaryAsync(ClusterRunRow run, TimeSpan elapsed)
    {
        var rows = await store.PartitionsAsync(run.RunId, CancellationToken.None).ConfigureAwait(false);
        var records = rows.Where(r => r.Record is not null).Select(r => (Row: r, Entry: JsonSerializer.Deserialize<CommittedPartition>(r.Record!)!)).ToList();
        var scored = records.Where(r => r.Row.CommittedBy != ClusterRunStore.EarlierRun).Select(r => r.Entry).ToList();
        var summary = new JobRunSummary(
            run.Job, rows.Count, scored.Sum(e => e.RowsIn), scored.Sum(e => e.RowsOut), scored.Sum(e => e.BadRows), elapsed, run.Output,
            records.Select(r => r.Entry.Output).ToList(), rows.Count - scored.Count)
        {
            MissingValues = scored.Sum(e => e.MissingValues),
            // A partition's rows in are its rows out, bad rows and rows a Filter step took out (PartitionExecutor).
            FilteredRows = scored.Sum(e => e.RowsIn - e.RowsOut - e.BadRows),
        };
        var nodes = rows.Where(r => r.CommittedBy is not null && r.CommittedBy != ClusterRunStore.EarlierRun).GroupBy(r => r.CommittedBy!).OrderBy(g => g.Key, StringComparer.Ordinal);
        logger.LogInformation("Job {Job} finished across the cluster (run {ClusterRun}): {Summary}; partitions by node: {Nodes}",
            run.Job, run.RunId, summary, string.Join(", ", nodes.Select(g => $"{g.Key} {g.Count()}")));
        return summary;
    }
}
