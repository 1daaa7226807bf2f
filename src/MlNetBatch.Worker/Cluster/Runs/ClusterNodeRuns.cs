using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Engine;
using MlNetBatch.Worker.Scheduling;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// The cluster runs this node takes part in, each planned and its model loaded once on this node; runs this node
/// cannot score exactly as planned are refused once, with a line saying why, and left to the other nodes.
/// </summary>
internal sealed class ClusterNodeRuns(JobRunner runner, ScheduledJobs jobs, ClusterRunStore runStore, ILogger<ClusterNodeRuns> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ClusterNodeRun?>>> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _retryAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _plannedHere = new(StringComparer.Ordinal);
    private TaskCompletionSource _adopted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long a run whose preparation failed (storage, a model download) waits before this node tries again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The runs this node does not score: refused for good (it would not write what the planner planned), or, for
    /// <see cref="RetryAfter"/>, one whose preparation failed, since such failures may pass (an outage).
    /// </summary>
    public IReadOnlyCollection<string> Excluded
    {
        get
        {
            var now = DateTime.UtcNow;
            return [.. _refused.Keys, .. _retryAt.Where(r => r.Value > now).Select(r => r.Key)];
        }
    }

    /// <summary>
    /// Takes the planner's own preparation of a run: the planning node scores with exactly what it planned, and its
    /// partition worker is woken to start at once rather than at its next poll.
    /// </summary>
    public void Adopt(ClusterNodeRun run)
    {
        _plannedHere[run.Run.RunId] = 0;
        _runs[run.Run.RunId] = new Lazy<Task<ClusterNodeRun?>>(Task.FromResult<ClusterNodeRun?>(run));
        Interlocked.Exchange(ref _adopted, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Whether this process planned the run <paramref name="runId"/> (its fire records the run in the history).</summary>
    public bool PlannedHere(string runId) => _plannedHere.ContainsKey(runId);

    /// <summary>Completes when this node plans a run (see <see cref="Adopt"/>).</summary>
    public Task RunAdopted => Volatile.Read(ref _adopted).Task;

    /// <summary>This node's preparation of the run <paramref name="runId"/> if it has one already, without reading the run's row.</summary>
    public ClusterNodeRun? Prepared(string runId) =>
        _runs.TryGetValue(runId, out var run) && run.IsValueCreated && run.Value.IsCompletedSuccessfully ? run.Value.Result : null;

    /// <summary>
    /// This node's preparation of <paramref name="run"/>, made on first use; null when this node cannot score it, or
    /// not yet again (its last preparation failed less than <see cref="RetryAfter"/> ago).
    /// </summary>
    public async Task<ClusterNodeRun?> GetAsync(ClusterRunRow run, CancellationToken cancellationToken)
    {
        if (_retryAt.TryGetValue(run.RunId, out var retryAt) && retryAt > DateTime.UtcNow && !_runs.ContainsKey(run.RunId))
        {
            return null;
        }

        var prepared = _runs.GetOrAdd(run.RunId, _ => new Lazy<Task<ClusterNodeRun?>>(() => PrepareAsync(run, cancellationToken)));
        try
        {
            return await prepared.Value.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Not kept: a preparation cut short (a stop, a storage outage) is tried again, after a while unless stopped.
            _runs.TryRemove(KeyValuePair.Create(run.RunId, prepared));
            if (e is not OperationCanceledException)
            {
                _retryAt[run.RunId] = DateTime.UtcNow + RetryAfter;
            }

            throw;
        }
    }

    /// <summary>Releases the runs that are no longer in progress and have no partition in flight here.</summary>
    public void Prune(IReadOnlySet<string> active, IReadOnlySet<string> inFlight)
    {
        foreach (var (id, run) in _runs)
        {
            if (!active.Contains(id) && !inFlight.Contains(id) && _runs.TryRemove(id, out _) && run.IsValueCreated && run.Value.IsCompletedSuccessfully)
            {
                run.Value.Result?.Dispose();
            }
        }
    }

    public void Dispose() => Prune(new HashSet<string>(), new HashSet<string>());

    private async Task<ClusterNodeRun?> PrepareAsync(ClusterRunRow run, CancellationToken cancellationToken)
    {
        if (!jobs.TryGet(run.Job, out var job))
        {
            return Refuse(run, "the job is not defined in this node's configuration");
        }

        // The files the planner listed, not listed again, and what its fit learned, not fitted again: every node scores
        // the run that was planned, with its parameters.
        var (listing, fitted) = await runStore.PlannedAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        StoredRunPlan stored;
        try
        {
            stored = new StoredRunPlan(
                listing is null ? null : Data.SourceListing.FromJson(listing),
                fitted is null ? null : Pipeline.FittedPreprocessing.FromJson(fitted));
        }
        catch (System.Text.Json.JsonException e)
        {
            return Refuse(run, $"the listing or preprocessing fit stored with the run cannot be read ({e.Message})");
        }

        // Other failures (reading the input, a model download) may pass: thrown, and tried again after RetryAfter.
        var prepared = await runner.PrepareAsync(run.Job, job, cancellationToken, stored).ConfigureAwait(false);
        var (store, outputs) = runner.LocateOutput(job, prepared);
        if (ClusterNodeRun.Mismatch(run, job, prepared, outputs) is { } mismatch)
        {
            prepared.Model.Dispose();
            return Refuse(run, mismatch);
        }

        _retryAt.TryRemove(run.RunId, out _);
        return new ClusterNodeRun(run, job, prepared, store, outputs);
    }

    private ClusterNodeRun? Refuse(ClusterRunRow run, string reason)
    {
        _refused[run.RunId] = 0;
        logger.LogError("Job {Job}: this node does not score cluster run {ClusterRun}: {Reason}; the other nodes do", run.Job, run.RunId, reason);
        return null;
    }
}
