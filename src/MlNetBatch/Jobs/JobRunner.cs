using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MlNetBatch.Diagnostics;
using MlNetBatch.Formats;
using MlNetBatch.Jobs.Engine;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Jobs.Progress;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs;

/// <summary>
/// Runs a job definition: plan partitions, then read, preprocess, score and write each partition, several at a
/// time, into one output file per partition.
/// </summary>
public sealed class JobRunner
{
    private readonly ObjectStoreResolver _resolver;
    private readonly ILogger<JobRunner> _logger;
    private readonly JobPlanner _planner;
    private readonly JobFinalizer _finalizer;
    private readonly DataFormatRegistry _formats;
    private readonly RecordBatchWriterRegistry _writers;

    /// <summary>Creates a runner.</summary>
    /// <param name="resolver">The storage providers.</param>
    /// <param name="paths">Resolves relative paths in job definitions.</param>
    /// <param name="loggerFactory">Where the runs log; nowhere when null.</param>
    /// <param name="formats">The formats sources are read in, and the extensions of output files; the built-in ones when null.</param>
    /// <param name="writers">The output writers; the built-in ones when null.</param>
    /// <param name="batchModels">The batch models jobs of kind <c>Function</c> name; none when null.</param>
    public JobRunner(
        ObjectStoreResolver resolver, JobPaths paths, ILoggerFactory? loggerFactory = null, DataFormatRegistry? formats = null, RecordBatchWriterRegistry? writers = null,
        Scoring.Functions.BatchModelRegistry? batchModels = null)
    {
        _resolver = resolver;
        _formats = formats ?? DataFormatRegistry.Default;
        _writers = writers ?? RecordBatchWriterRegistry.Default;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<JobRunner>();
        _planner = new JobPlanner(resolver, _formats, paths, loggerFactory, _logger, batchModels);
        _finalizer = new JobFinalizer(_logger);
    }

    /// <summary>Told when a run reaches a <see cref="JobPoint"/>; none in production.</summary>
    internal IJobObserver? Observer { get; init; }

    /// <summary>Told of every run's progress as it starts (a progress display, a progress log); none when empty.</summary>
    public IEnumerable<IJobProgressListener> ProgressListeners { get; init; } = [];

    /// <summary>Plans the job and checks source, preprocessing and model against each other, without scoring.</summary>
    public Task<JobPlan> PlanAsync(string jobName, JobDefinition job, CancellationToken cancellationToken = default) =>
        _planner.PlanAsync(jobName, job, cancellationToken);

    /// <summary>Runs the job to completion; throws <see cref="JobFailedException"/> naming the job and partition on failure.</summary>
    public Task<JobRunSummary> RunAsync(string jobName, JobDefinition job, CancellationToken cancellationToken = default) =>
        RunAsync(jobName, job, new JobRunOptions(), cancellationToken);

    /// <summary>
    /// Runs the job: takes the output lease, skips partitions an earlier run committed for the same input and model,
    /// scores the rest (several at a time, each retried on transient failures), commits each partition atomically
    /// with its manifest entry, and writes <c>_SUCCESS</c> when all are committed. Cancelling
    /// <paramref name="stopToken"/> stops taking partitions and gives those in flight the grace period to commit;
    /// the run then ends with a <see cref="JobInterruptedException"/>.
    /// </summary>
    public async Task<JobRunSummary> RunAsync(string jobName, JobDefinition job, JobRunOptions runOptions, CancellationToken stopToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(runOptions);
        using var activity = JobTracing.StartRun(jobName);
        // Every line logged during the run carries the job and the run id as properties (and the partition, below).
        using var scope = _logger.BeginScope(new Dictionary<string, object>
        {
            ["Job"] = jobName,
            ["RunId"] = runOptions.RunId ?? Guid.NewGuid().ToString("N")[..12],
        });
        try
        {
            return await RunTracedAsync(jobName, job, runOptions, stopToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not JobInterruptedException)
        {
            JobTracing.Fail(activity, e);
            throw;
        }
    }

    /// <summary>Plans the job and loads its model, for a run whose partitions are scored elsewhere too (a cluster's nodes).</summary>
    internal Task<PreparedJob> PrepareAsync(string jobName, JobDefinition job, CancellationToken cancellationToken, StoredRunPlan? stored = null) =>
        _planner.PrepareAsync(jobName, job, cancellationToken, stored);

    /// <summary>Takes the output of <paramref name="prepared"/> for a run, as <see cref="RunAsync(string, JobDefinition, JobRunOptions, CancellationToken)"/> does.</summary>
    internal Task<OutputSession> OpenOutputAsync(string jobName, JobDefinition job, PreparedJob prepared, JobRunOptions runOptions, bool prepareDirectory, CancellationToken cancellationToken) =>
        OutputSession.OpenAsync(_resolver, _formats, jobName, job, prepared, runOptions, _logger, cancellationToken, prepareDirectory);

    /// <summary>The store of <paramref name="prepared"/>'s output directory, and where each partition's files go there.</summary>
    internal (IObjectStore Store, PartitionOutputs Outputs) LocateOutput(JobDefinition job, PreparedJob prepared) =>
        OutputSession.Locate(_resolver, _formats, job, prepared);

    /// <summary>Lets the observer, if any, see the partitions scored on this flow until disposed (a cluster node's, outside <see cref="RunAsync(string, JobDefinition, JobRunOptions, CancellationToken)"/>).</summary>
    internal JobObserver.Scope Observe() => JobObserver.Observe(Observer);

    /// <summary>An executor that scores partitions of <paramref name="prepared"/> and commits them to <paramref name="target"/>.</summary>
    internal PartitionExecutor CreateExecutor(string jobName, JobDefinition job, PreparedJob prepared, IPartitionCommitTarget target, BadRecordBudget budget) =>
        new(jobName, job, prepared, target, _writers, budget, _logger);

    private async Task<JobRunSummary> RunTracedAsync(string jobName, JobDefinition job, JobRunOptions runOptions, CancellationToken stopToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var observing = JobObserver.Observe(Observer);
        using var telemetry = RunTelemetry.Start(jobName);
        var prepared = await _planner.PrepareAsync(jobName, job, stopToken).ConfigureAwait(false);
        using var model = prepared.Model;
        await using var session = await OutputSession.OpenAsync(_resolver, _formats, jobName, job, prepared, runOptions, _logger, stopToken).ConfigureAwait(false);
        _planner.WarnAboutSource(jobName, prepared);
        _logger.LogInformation("Job {Job}: {Pending} of {Partitions} partitions to score ({Files} files) with {Model} on {Device}",
            jobName, session.Pending.Count, prepared.Partitions.Count, prepared.Source.Files.Count, model.Name, model.Device);

        var progress = runOptions.Progress ?? new JobProgress();
        progress.Begin(jobName, telemetry.Run, session.Mine.Count, session.Mine.Count - session.Pending.Count,
            session.Pending.All(p => p.RowCount is not null) ? session.Pending.Sum(p => p.RowCount!.Value) : null);
        var executor = new PartitionExecutor(jobName, job, prepared, session, _writers, new BadRecordBudget(jobName, job.Execution), _logger) { Progress = progress };
        var failed = true;
        var listening = ProgressListeners.Select(l => l.Started(progress)).ToList();
        try
        {
            await new PartitionRun(jobName, job.Execution, executor, _logger).ExecuteAsync(session.Pending, stopToken).ConfigureAwait(false);
            failed = false;
        }
        finally
        {
            progress.Finish();
            listening.ForEach(l => l?.Dispose());
            await _finalizer.FlushQuietlyAsync(session, jobName, failed).ConfigureAwait(false);
        }

        return await _finalizer.CompleteAsync(jobName, prepared, session, executor, stopwatch.Elapsed, telemetry.Run.Snapshot(), stopToken).ConfigureAwait(false);
    }
}
