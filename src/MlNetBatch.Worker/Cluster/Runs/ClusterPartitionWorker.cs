using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Engine;
using Npgsql;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// A cluster node's share of the work: claims partitions of the runs in progress, up to
/// <see cref="ClusterOptions.Parallelism"/> at a time, scores and commits each under its fenced claim, renews its
/// claims while they are in flight, and finishes a run when it commits the last partition. On shutdown it stops
/// claiming, lets the partitions in flight finish within the job's grace period, and hands back the rest.
/// </summary>
internal sealed class ClusterPartitionWorker(
    IOptions<ClusterOptions> options, ClusterRunStore store, ClusterNodeRuns runs, ClusterRunFinisher finisher, JobRunner runner, ILogger<ClusterPartitionWorker> logger)
    : BackgroundService
{
    private readonly ClusterOptions _options = options.Value;
    private readonly ConcurrentDictionary<PartitionClaim, (ClaimHold Hold, TimeSpan Grace)> _inFlight = new();
    private int _databaseDown;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var node = _options.ResolvedNodeId;
        await RetryAsync(() => store.EnsureTablesAsync(stoppingToken), "create the cluster's work tables", stoppingToken).ConfigureAwait(false);
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = Task.Run(() => RenewAsync(renewing.Token), CancellationToken.None);
        var tasks = new List<Task>();
        using var abandon = new CancellationTokenSource();
        while (!stoppingToken.IsCancellationRequested)
        {
            tasks.RemoveAll(t => t.IsCompleted);
            PartitionClaim? claim = null;
            var askedAt = Stopwatch.GetTimestamp();
            if (tasks.Count < _options.Parallelism && await PrepareActiveRunsAsync(stoppingToken).ConfigureAwait(false))
            {
                askedAt = Stopwatch.GetTimestamp();
                claim = await TryAsync(() => store.Claims.ClaimAsync(node, runs.Excluded, _options.PartitionClaimLifetime, stoppingToken), "claim a partition", stoppingToken).ConfigureAwait(false);
            }

            if (claim is not null)
            {
                // Held, and renewed, from this moment: preparing the run on a node that just joined takes seconds.
                var hold = new ClaimHold(claim, _options.PartitionClaimLifetime, askedAt);
                _inFlight[claim] = (hold, TimeSpan.Zero);
                tasks.Add(Task.Run(() => ScoreAsync(hold, node, abandon.Token), CancellationToken.None));
                continue;
            }

            if (tasks.Count == 0)
            {
                await PruneAsync(stoppingToken).ConfigureAwait(false);
            }

            // Until a partition in flight ends (room for another) or the idle wait passes (new work may have come).
            await Task.WhenAny(tasks.Append(Task.Delay(_options.IdleWaitTime, stoppingToken)).Append(runs.RunAdopted)).ConfigureAwait(false);
        }

        // Draining: what is in flight may finish within the grace period; what is not by then is handed back.
        var grace = _inFlight.Values.Select(c => c.Grace).DefaultIfEmpty(TimeSpan.Zero).Max();
        if (tasks.Count > 0)
        {
            logger.LogInformation("Stopping: {Count} partition(s) in flight may finish within {Grace}", tasks.Count, grace);
            abandon.CancelAfter(grace);
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        await renewing.CancelAsync().ConfigureAwait(false);
        await renewal.ConfigureAwait(false);
    }

    private async Task ScoreAsync(ClaimHold hold, string node, CancellationToken abandon)
    {
        var claim = hold.Claim;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Job"] = claim.Job, ["RunId"] = claim.RunId, ["Partition"] = claim.PartitionId });
        using var observing = runner.Observe();
        ClusterNodeRun? run = null;
        try
        {
            run = runs.Prepared(claim.RunId);
            if (run is null && await store.RunAsync(claim.RunId, abandon).ConfigureAwait(false) is { } row)
            {
                run = await runs.GetAsync(row, abandon).ConfigureAwait(false);
            }

            if (run is null)
            {
                await store.Claims.EndClaimAsync(claim, ClusterStates.Pending, node, null, null, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            _inFlight[claim] = (hold, run.Job.Execution.ShutdownGracePeriod);
            if (claim.RecoveredFrom is { } previous)
            {
                logger.LogWarning("Job {Job}: partition {Partition} recovered from node {Node}, whose claim ran out; scoring it here (epoch {Epoch})",
                    claim.Job, claim.PartitionId, previous, claim.Epoch);
            }

            var commit = new FencedPartitionCommit(run, hold, store, node);
            var executor = runner.CreateExecutor(claim.Job, run.Job, run.Prepared, commit, new BadRecordBudget(claim.Job, run.Job.Execution, ratioJudgedAtRunEnd: true));
            var retries = PartitionRetries.Create(run.Job.Execution, claim.Job, logger);
            await retries.ExecuteAsync(async ct => await executor.ExecuteAsync(run.Partition(claim.PartitionId), run.Slots, ct).ConfigureAwait(false), abandon).ConfigureAwait(false);
            logger.LogDebug("Job {Job}: partition {Partition} committed by this node (epoch {Epoch})", claim.Job, claim.PartitionId, claim.Epoch);
            _inFlight.TryRemove(claim, out _);
            // Not the partition's failure when this fails: the run's planner finishes it then (ClusterJobRuns).
            await TryAsync(async () => { await finisher.FinishIfLastAsync(run, CancellationToken.None).ConfigureAwait(false); return true; }, "finish the run", CancellationToken.None).ConfigureAwait(false);
        }
        catch (PartitionClaimLostException e)
        {
            logger.LogWarning("{Reason}", e.Message);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // Handed back at once rather than left to run out: another node takes it without waiting.
            logger.LogWarning("Job {Job}: partition {Partition} was not finished within the shutdown grace period; it is handed back to the cluster", claim.Job, claim.PartitionId);
            await TryAsync(() => store.Claims.EndClaimAsync(claim, ClusterStates.Pending, node, null, null, CancellationToken.None), "hand back a partition", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (run is not null && hold.Committed)
        {
            // Committed in the database already: the partition is done, whatever failed after its record.
            logger.LogWarning("Job {Job}: partition {Partition} is committed, but this node failed after its commit: {Reason}", claim.Job, claim.PartitionId, FailureCause.ForUser(e).Message);
            await TryAsync(async () => { await finisher.FinishIfLastAsync(run, CancellationToken.None).ConfigureAwait(false); return true; }, "finish the run", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (run is not null)
        {
            var reason = $"partition {claim.PartitionId} failed: {FailureCause.ForUser(e).Message}";
            logger.LogError("Job {Job}: {Reason}", claim.Job, reason);
            // Only a node that still holds the partition may fail the run: a zombie's failure (its upload aborted while
            // it was paused) is not the partition's, and another node is scoring it.
            if (await TryAsync(() => store.Claims.EndClaimAsync(claim, ClusterStates.Failed, node, null, reason, CancellationToken.None), "record a failed partition", CancellationToken.None).ConfigureAwait(false))
            {
                await TryAsync(async () => { await finisher.FailAsync(run, reason, CancellationToken.None).ConfigureAwait(false); return true; }, "fail the run", CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Handed back at once: another node (or this one, at its next claim) scores it rather than waiting for the claim to run out.
            logger.LogError("Job {Job}: partition {Partition} could not be started on this node: {Reason}; it is handed back to the cluster", claim.Job, claim.PartitionId, FailureCause.ForUser(e).Message);
            await TryAsync(() => store.Claims.EndClaimAsync(claim, ClusterStates.Pending, node, null, null, CancellationToken.None), "hand back a partition", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(claim, out _);
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var interval = _options.PartitionClaimLifetime / 4;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                var claims = _inFlight.Keys.ToList();
                var askedAt = Stopwatch.GetTimestamp();
                var held = await store.Claims.RenewAsync(claims, _options.PartitionClaimLifetime, cancellationToken).ConfigureAwait(false);
                foreach (var claim in claims)
                {
                    if (!_inFlight.TryGetValue(claim, out var inFlight))
                    {
                        continue;
                    }

                    if (held.Contains(claim))
                    {
                        inFlight.Hold.Renewed(askedAt);
                    }
                    else if (!inFlight.Hold.Committed)
                    {
                        inFlight.Hold.Lost($"another node took it over after epoch {claim.Epoch}, or its run ended");
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException e)
            {
                // Not renewed: the claims run out by themselves, and the commits check that before publishing.
                logger.LogWarning("The cluster database could not be reached to renew this node's claims ({Reason}); will try again", e.Message);
            }
        }
    }

    /// <summary>
    /// Plans and loads the model of every run in progress before claiming any of its partitions, so that a claim is
    /// held only while its partition is scored; false when the database cannot be reached.
    /// </summary>
    private async Task<bool> PrepareActiveRunsAsync(CancellationToken cancellationToken)
    {
        var active = await TryAsync(() => store.ActiveRunsAsync(cancellationToken), "list the runs in progress", cancellationToken).ConfigureAwait(false);
        foreach (var run in active?.Where(r => r.State == ClusterStates.Running && !runs.Excluded.Contains(r.RunId)) ?? [])
        {
            try
            {
                await runs.GetAsync(run, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: the drain of what is in flight comes next.
                return false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Job {Job}: cluster run {ClusterRun} could not be prepared on this node ({Reason}); will try again", run.Job, run.RunId, FailureCause.ForUser(e).Message);
            }
        }

        return active is not null;
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var active = await TryAsync(() => store.ActiveRunsAsync(cancellationToken), "list the runs in progress", cancellationToken).ConfigureAwait(false);
        if (active is not null)
        {
            runs.Prune(active.Select(r => r.RunId).ToHashSet(StringComparer.Ordinal), _inFlight.Keys.Select(c => c.RunId).ToHashSet(StringComparer.Ordinal));
            // Any idle node finishes what was left unfinished: the planner, whose wait would, may be gone.
            await TryAsync(async () => { await finisher.FinishStalledAsync(active, _options.PartitionClaimLifetime, cancellationToken).ConfigureAwait(false); return true; }, "finish stalled runs", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RetryAsync(Func<Task> action, string what, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && await TryAsync(async () => { await action().ConfigureAwait(false); return true; }, what, cancellationToken).ConfigureAwait(false) != true)
        {
            await Task.Delay(_options.CheckInInterval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs a database call; an outage is one warning (the node goes on trying, and says when the database is back),
    /// not a crash, nor a line every poll.
    /// </summary>
    private async Task<T?> TryAsync<T>(Func<Task<T>> action, string what, CancellationToken cancellationToken)
    {
        try
        {
            var result = await action().ConfigureAwait(false);
            if (Interlocked.Exchange(ref _databaseDown, 0) == 1)
            {
                logger.LogInformation("The cluster database is reachable again");
            }

            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return default;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.Log(Interlocked.Exchange(ref _databaseDown, 1) == 0 ? LogLevel.Warning : LogLevel.Debug,
                "Could not {What} in the cluster database ({Reason}); will try again", what, e.Message);
            return default;
        }
    }
}
