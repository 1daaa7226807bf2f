using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs;
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
    private TaskCompletionSource _adopted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The runs this node does not score.</summary>
    public IReadOnlyCollection<string> Refused => (IReadOnlyCollection<string>)_refused.Keys;

    /// <summary>
    /// Takes the planner's own preparation of a run: the planning node scores with exactly what it planned, and its
    /// partition worker is woken to start at once rather than at its next poll.
    /// </summary>
    public void Adopt(ClusterNodeRun run)
    {
        _runs[run.Run.RunId] = new Lazy<Task<ClusterNodeRun?>>(Task.FromResult<ClusterNodeRun?>(run));
        Interlocked.Exchange(ref _adopted, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Completes when this node plans a run (see <see cref="Adopt"/>).</summary>
    public Task RunAdopted => Volatile.Read(ref _adopted).Task;

    /// <summary>This node's preparation of the run <paramref name="runId"/> if it has one already, without reading the run's row.</summary>
    public ClusterNodeRun? Prepared(string runId) =>
        _runs.TryGetValue(runId, out var run) && run.IsValueCreated && run.Value.IsCompletedSuccessfully ? run.Value.Result : null;

    /// <summary>This node's preparation of <paramref name="run"/>, made on first use; null when this node cannot score it.</summary>
    public async Task<ClusterNodeRun?> GetAsync(ClusterRunRow run, CancellationToken cancellationToken)
    {
        var prepared = _runs.GetOrAdd(run.RunId, _ => new Lazy<Task<ClusterNodeRun?>>(() => PrepareAsync(run, cancellationToken)));
        try
        {
            return await prepared.Value.ConfigureAwait(false);
        }
        catch
        {
            // Not kept: a preparation cut short (a stop, a storage outage) is tried again on the next claim.
            _runs.TryRemove(KeyValuePair.Create(run.RunId, prepared));
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

        try
        {
            // Built from what the planner's fit learned, not fitted again: every node scores with its parameters.
            var fitted = await runStore.FittedAsync(run.RunId, cancellationToken).ConfigureAwait(false);
            var prepared = await runner.PrepareAsync(run.Job, job, cancellationToken, fitted is null ? null : Pipeline.FittedPreprocessing.FromJson(fitted)).ConfigureAwait(false);
            var (store, outputs) = runner.LocateOutput(job, prepared);
            if (ClusterNodeRun.Mismatch(run, job, prepared, outputs) is { } mismatch)
            {
                prepared.Model.Dispose();
                return Refuse(run, mismatch);
            }

            return new ClusterNodeRun(run, job, prepared, store, outputs);
        }
        catch (MlNetBatchException e)
        {
            return Refuse(run, e.Message);
        }
    }

    private ClusterNodeRun? Refuse(ClusterRunRow run, string reason)
    {
        _refused[run.RunId] = 0;
        logger.LogError("Job {Job}: this node does not score cluster run {ClusterRun}: {Reason}; the other nodes do", run.Job, run.RunId, reason);
        return null;
    }
}
