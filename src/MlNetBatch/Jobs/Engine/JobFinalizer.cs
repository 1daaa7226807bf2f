using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// The last stage of a run: records what was committed (even when the run failed), then either reports the stop
/// or writes <c>_SUCCESS</c> and the run's summary.
/// </summary>
internal sealed class JobFinalizer(ILogger logger)
{
    /// <summary>Records what was committed; a failure here must not hide the run's own.</summary>
    public async Task FlushQuietlyAsync(OutputSession session, string jobName, bool runFailed)
    {
        var commitLog = session.CommitLog;
        if (session.LeaseLost)
        {
            // Another run may hold the output now: its manifest must not be overwritten with this run's.
            logger.LogWarning("Job {Job}: the lease was lost; the last records are not written, and the next run scores those partitions again", jobName);
            return;
        }

        try
        {
            await commitLog.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StorageException or IOException)
        {
            // When the run failed, its own error (often the same full disk) is the one line the user needs.
            logger.Log(runFailed ? LogLevel.Debug : LogLevel.Warning, "Job {Job}: the manifest could not be updated ({Reason}); the next run scores the last partitions again", jobName, e.Message);
        }
    }

    /// <summary>
    /// Ends a run whose partitions all finished: a <see cref="JobInterruptedException"/> when it was stopped, else
    /// <c>_SUCCESS</c> and the summary.
    /// </summary>
    public async Task<JobRunSummary> CompleteAsync(
        string jobName, PreparedJob prepared, OutputSession session, PartitionExecutor executor, TimeSpan elapsed, IReadOnlyList<Progress.StageStats> stages, CancellationToken stopToken)
    {
        var partitions = session.Mine;
        var committed = partitions.Select(p => session.CommitLog.Entry(p, session.Outputs.DataFile(p))).OfType<CommittedPartition>().ToList();
        if (stopToken.IsCancellationRequested)
        {
            logger.LogWarning("Job {Job} stopped: {Committed} of {Total} partitions committed; the next run resumes the other {Remaining}",
                jobName, committed.Count, partitions.Count, partitions.Count - committed.Count);
            throw new JobInterruptedException(jobName, committed.Count, partitions.Count);
        }

        session.ThrowIfLeaseLost(jobName);
        if (!await session.CommitLog.CompleteAsync(CancellationToken.None).ConfigureAwait(false))
        {
            logger.LogInformation("Job {Job}: this shard's {Partitions} partitions are committed; _SUCCESS waits for the other shards' partitions", jobName, partitions.Count);
        }

        var summary = new JobRunSummary(
            jobName, partitions.Count, executor.RowsIn, executor.RowsOut, executor.Budget.BadRows, elapsed, prepared.OutputDirectory.ToString(),
            committed.Select(c => c.Output).ToList(), partitions.Count - session.Pending.Count)
        {
            MissingValues = executor.MissingValues,
            FilteredRows = executor.FilteredRows,
            Stages = stages,
            Bottleneck = Progress.StageStats.Bottleneck(stages),
        };
        logger.LogInformation("Job {Job} finished: {Partitions} partitions ({Resumed} already committed), {RowsIn} rows in, {RowsOut} rows out, {BadRows} bad rows, {MissingValues} missing values read as NaN, {FilteredRows} rows filtered out, {RowsPerSecond:N0} rows/s in {Elapsed}; output in {Output}",
            jobName, summary.Partitions, summary.ResumedPartitions, summary.RowsIn, summary.RowsOut, summary.BadRows, summary.MissingValues, summary.FilteredRows, summary.RowsPerSecond, summary.Elapsed, summary.OutputDirectory);
        foreach (var stage in stages)
        {
            logger.LogDebug("Job {Job}: stage {Stage}: {Wall} busy ({Cpu} CPU), {Rows} rows, {Bytes} bytes, {BlockedOnInput} waiting for input, {BlockedOnOutput} waiting for room downstream",
                jobName, stage.Name, stage.Wall, stage.Cpu, stage.Rows, stage.Bytes, stage.BlockedOnInput, stage.BlockedOnOutput);
        }

        if (summary.Bottleneck is { } bottleneck)
        {
            logger.LogInformation("Job {Job}: the bottleneck was the {Stage} stage", jobName, bottleneck);
        }

        return summary;
    }
}
