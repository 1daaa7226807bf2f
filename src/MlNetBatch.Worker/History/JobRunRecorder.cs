using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs;
using MlNetBatch.Worker.Cli;
using MlNetBatch.Worker.Telemetry;

namespace MlNetBatch.Worker.History;

/// <summary>
/// Runs a job through the <see cref="JobRunner"/> and records the run: in the history, at its start and its end, and in
/// the job-run counters. The <c>run</c> command and the scheduler both run jobs through it, so every run is recorded
/// once. The history is an aid to operators: a store that cannot be written is logged, and the job runs regardless.
/// </summary>
public sealed class JobRunRecorder(JobRunner runner, RunHistoryStore history, TelemetryProviders telemetry, TimeProvider clock, ILogger<JobRunRecorder> logger)
{
    /// <summary>Runs <paramref name="job"/> and records how it ended; the run's result or exception is passed on unchanged.</summary>
    public async Task<JobRunSummary> RunAsync(string name, JobDefinition job, JobRunOptions runOptions, CancellationToken stopToken)
    {
        using var run = Begin(name);
        return await run.RunAsync(job, runOptions, stopToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the record of a run of <paramref name="name"/> and a logging scope with its <c>Job</c> and <c>RunId</c>,
    /// so that what the caller logs about the run (the scheduler's "fired" and failure lines) carries them too.
    /// </summary>
    public RecordedRun Begin(string name)
    {
        telemetry.EnsureStarted();
        var started = Start(name);
        // A run the history could not take still gets an id of its own on its lines, as the engine would give it.
        var runId = started.RunId.Length > 0 ? started.RunId : Guid.NewGuid().ToString("N")[..12];
        var scope = logger.BeginScope(new Dictionary<string, object> { ["Job"] = name, ["RunId"] = runId });
        return new RecordedRun(this, started, runId, scope);
    }

    internal async Task<JobRunSummary> RunAsync(
        RunRecord started, string runId, JobDefinition job, JobRunOptions runOptions, CancellationToken stopToken,
        Func<JobRunOptions, CancellationToken, Task<JobRunSummary>>? execute = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(runOptions);
        var name = started.Job;
        try
        {
            // The history's run id is the one on the run's log lines.
            var summary = execute is null
                ? await runner.RunAsync(name, job, runOptions with { RunId = runId }, stopToken).ConfigureAwait(false)
                : await execute(runOptions with { RunId = runId }, stopToken).ConfigureAwait(false);
            End(started with
            {
                Status = RunStatus.Succeeded, RowsIn = summary.RowsIn, RowsOut = summary.RowsOut, BadRows = summary.BadRows, FilteredRows = summary.FilteredRows,
                Bottleneck = summary.Bottleneck, Stages = summary.Stages,
            });
            return summary;
        }
        catch (Exception e) when (e is JobInterruptedException || (e is OperationCanceledException && stopToken.IsCancellationRequested))
        {
            End(started with { Status = RunStatus.Interrupted, Error = e is JobInterruptedException ? e.Message : "Stopped before it started scoring." });
            throw;
        }
        catch (Exception e)
        {
            End(started with { Status = RunStatus.Failed, Error = FailureReport.Describe(e, name, job).ReplaceLineEndings(" ") });
            throw;
        }
    }

    private void End(RunRecord record)
    {
        record = record with { Ended = clock.GetUtcNow() };
        JobRunMetrics.Ended(record.Job, record.Status);
        if (record.RunId.Length > 0)
        {
            TryRecord(() => history.Finish(record), record.Job);
        }
    }

    private RunRecord Start(string name)
    {
        RunRecord? started = null;
        TryRecord(() => started = history.Start(name), name);
        // A run the history could not take still ends in the counters; an empty id keeps it out of the history.
        return started ?? new RunRecord(string.Empty, name, clock.GetUtcNow(), null, RunStatus.Running);
    }

    private void TryRecord(Action write, string job)
    {
        try
        {
            write();
        }
        catch (MlNetBatchException e)
        {
            logger.LogWarning("Job {Job}: the run is not recorded in the history: {Reason}", job, e.Message);
        }
    }
}
