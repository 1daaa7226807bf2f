using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Formats;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Scoring;
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
    private readonly JobPaths _paths;
    private readonly ILogger<JobRunner> _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly JobPreparer _preparer;

    /// <summary>Creates a runner.</summary>
    public JobRunner(ObjectStoreResolver resolver, JobPaths paths, ILoggerFactory? loggerFactory = null)
    {
        _resolver = resolver;
        _paths = paths;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<JobRunner>();
        _preparer = new JobPreparer(resolver, paths, _loggerFactory, _logger);
    }

    /// <summary>Told when a run reaches a <see cref="JobPoint"/>; none in production.</summary>
    internal IJobObserver? Observer { get; init; }

    /// <summary>Plans the job and checks source, preprocessing and model against each other, without scoring.</summary>
    public async Task<JobPlan> PlanAsync(string jobName, JobDefinition job, CancellationToken cancellationToken = default)
    {
        var prepared = await _preparer.PrepareAsync(jobName, job, cancellationToken).ConfigureAwait(false);
        using (prepared.Model)
        {
            // A dry run refuses what the run would refuse.
            CheckSinkPlacement(jobName, job, prepared, ObjectLocation.Parse(_paths.Resolve(job.Sink.Path)));
            return new JobPlan(jobName, prepared.Source.Files, prepared.Partitions, prepared.Source.Columns,
                prepared.Model.Inputs, prepared.Model.Outputs, prepared.Model.Device, prepared.OutputColumns.Select(c => c.Name).ToList())
            {
                HiddenFiles = prepared.Source.HiddenFiles,
            };
        }
    }

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
        var stopwatch = Stopwatch.StartNew();
        using var observing = JobObserver.Observe(Observer);
        var prepared = await _preparer.PrepareAsync(jobName, job, stopToken).ConfigureAwait(false);
        using var model = prepared.Model;
        var outputDirectory = ObjectLocation.Parse(_paths.Resolve(job.Sink.Path));
        var store = _resolver.Resolve(outputDirectory);
        var extension = DataFormats.Extension(job.Sink.Format);
        CheckSinkPlacement(jobName, job, prepared, outputDirectory);

        await using var lease = await OutputLease.AcquireAsync(store, outputDirectory, jobName, runOptions.LeaseDuration ?? job.Execution.LeaseDuration, _logger, stopToken).ConfigureAwait(false);
        var outputs = new PartitionOutputs(outputDirectory, extension);
        OutputCommitLog commitLog;
        List<Partition> pending;
        try
        {
            commitLog = await OutputCommitLog.OpenAsync(
                store, outputDirectory, jobName, JobFingerprint.Settings(job, prepared.Source.Files), JobFingerprint.Model(model.Bytes), runOptions.Restart, stopToken).ConfigureAwait(false);
            var planned = prepared.Partitions.Select(p => (p, outputs.DataFile(p))).ToList();
            commitLog.KeepOnly(planned);
            pending = planned.Where(p => !commitLog.IsCommitted(p.Item1, p.Item2)).Select(p => p.Item1).ToList();
            await outputs.PrepareAsync(store, commitLog, prepared.Partitions, stopToken).ConfigureAwait(false);
        }
        catch (MlNetBatchException e) when (e is not JobFailedException)
        {
            throw new JobFailedException(jobName, e.Message, e);
        }

        foreach (var column in prepared.Source.Columns.Where(c => c.RoundedExample is not null))
        {
            _logger.LogWarning("Job {Job}: column {Column} was inferred as float, which rounds some of its values ({Example}); declare it double in Source:Columns to keep them exactly",
                jobName, column.Name, column.RoundedExample);
        }

        if (prepared.Source.HiddenFiles.Count > 0)
        {
            _logger.LogWarning("Job {Job}: {Count} input file(s) left out because a part of their path starts with '_' or '.' (hidden, as in Spark), for example {Example}; name them explicitly to read them",
                jobName, prepared.Source.HiddenFiles.Count, prepared.Source.HiddenFiles[0].Location);
        }

        _logger.LogInformation("Job {Job}: {Pending} of {Partitions} partitions to score ({Files} files) with {Model} on {Device}",
            jobName, pending.Count, prepared.Partitions.Count, prepared.Source.Files.Count, model.Name, model.Device);
        EnsureThreadsFor(job.Execution.Parallelism);

        var run = new PartitionRun(this, jobName, job, prepared, store, outputs, commitLog);
        var failed = true;
        try
        {
            await run.ExecuteAsync(pending, stopToken).ConfigureAwait(false);
            failed = false;
        }
        finally
        {
            await FlushQuietlyAsync(commitLog, jobName, failed).ConfigureAwait(false);
        }

        var committed = commitLog.Committed;
        if (stopToken.IsCancellationRequested)
        {
            _logger.LogWarning("Job {Job} stopped: {Committed} of {Total} partitions committed; the next run resumes the other {Remaining}",
                jobName, committed.Count, prepared.Partitions.Count, prepared.Partitions.Count - committed.Count);
            throw new JobInterruptedException(jobName, committed.Count, prepared.Partitions.Count);
        }

        await commitLog.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        var summary = new JobRunSummary(
            jobName, prepared.Partitions.Count, run.RowsIn, run.RowsOut, run.BadRows, stopwatch.Elapsed, outputDirectory.ToString(),
            prepared.Partitions.Select(p => committed[p.Id].Output).ToList(), prepared.Partitions.Count - pending.Count)
        {
            MissingValues = run.MissingValues,
        };
        _logger.LogInformation("Job {Job} finished: {Partitions} partitions ({Resumed} already committed), {RowsIn} rows in, {RowsOut} rows out, {BadRows} bad rows, {MissingValues} missing values read as NaN, {RowsPerSecond:N0} rows/s in {Elapsed}; output in {Output}",
            jobName, summary.Partitions, summary.ResumedPartitions, summary.RowsIn, summary.RowsOut, summary.BadRows, summary.MissingValues, summary.RowsPerSecond, summary.Elapsed, summary.OutputDirectory);
        return summary;
    }

    /// <summary>Scores one partition into its output (and quarantine) files, committed atomically; returns rows written.</summary>
    internal async Task<(long RowsOut, int BadRows, long MissingValues, ObjectLocation Output, ObjectLocation? Quarantine)> ScorePartitionAsync(
        JobDefinition job, PreparedJob prepared, PartitionOutputs outputs, IObjectStore store, Partition partition, BadRecordBudget budget, CancellationToken cancellationToken)
    {
        var quarantine = budget.Tolerant ? new PartitionQuarantine(budget, partition) : null;
        var statistics = new ReadStatistics();
        try
        {
            var view = prepared.Source.WithPartitions([partition]).WithBadRecords(quarantine).WithStatistics(statistics).AsDataView();
            var scored = prepared.Scorer.Transform(prepared.Preprocess.Transform(view), quarantine);
            var destination = outputs.DataFile(partition);
            var written = await DataViewWriter.WriteAsync(
                scored, destination, job.Sink.Format, prepared.OutputColumns.Select(c => c.Name).ToList(), _resolver,
                parquet: job.Sink.Parquet, cancellationToken: cancellationToken).ConfigureAwait(false);
            var quarantined = quarantine is null
                ? null
                : await quarantine.WriteAsync(store, outputs.QuarantineFile(partition), cancellationToken).ConfigureAwait(false);
            if (quarantined is null)
            {
                // An earlier run may have quarantined rows of this partition; they are scored now, so its file must go.
                try
                {
                    await store.DeleteAsync(outputs.QuarantineFile(partition), cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectNotFoundException)
                {
                }
            }

            return (written, quarantine?.Count ?? 0, statistics.MissingValues, destination, quarantined);
        }
        catch
        {
            // A failed attempt's bad rows are found again by the retry; count them once.
            quarantine?.Withdraw();
            throw;
        }
    }

    internal ILogger Logger => _logger;

    private void CheckSinkPlacement(string jobName, JobDefinition job, PreparedJob prepared, ObjectLocation outputDirectory)
    {
        try
        {
            SinkPlacement.Check(outputDirectory, job.Source.AllPaths().Select(_paths.Resolve).ToList(), prepared.Source.Files);
        }
        catch (MlNetBatchException e)
        {
            throw new JobFailedException(jobName, e.Message, e);
        }
    }

    /// <summary>
    /// The exception that says what the user must fix. ML.NET wraps failures of background cursors in its own
    /// ("Splitter/consolidator worker encountered exception…"); the MlNetBatch exception inside names the file and row.
    /// </summary>
    internal static Exception UserFacingCause(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is MlNetBatchException)
            {
                return e;
            }
        }

        return exception;
    }

    /// <summary>Records what was committed even when the run failed; a failure here must not hide the run's own.</summary>
    private async Task FlushQuietlyAsync(OutputCommitLog commitLog, string jobName, bool runFailed)
    {
        try
        {
            await commitLog.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StorageException or IOException)
        {
            // When the run failed, its own error (often the same full disk) is the one line the user needs.
            _logger.Log(runFailed ? LogLevel.Debug : LogLevel.Warning, "Job {Job}: the manifest could not be updated ({Reason}); the next run scores the last partitions again", jobName, e.Message);
        }
    }

    private static void EnsureThreadsFor(int parallelism)
    {
        // Each partition blocks a thread while its cursors wait on background readers; make sure the pool has
        // threads for those readers without waiting for its slow injection of new ones.
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = Environment.ProcessorCount + (4 * parallelism);
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, io);
        }
    }
}
