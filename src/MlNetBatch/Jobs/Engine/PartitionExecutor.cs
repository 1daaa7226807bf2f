using Microsoft.Extensions.Logging;
using MlNetBatch.Data;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// Scores one partition and commits it: output, quarantine, then the manifest entry. One attempt per call; the
/// caller retries. Keeps the run's totals, counting only committed partitions.
/// </summary>
internal sealed class PartitionExecutor(
    string jobName, JobDefinition job, PreparedJob prepared, IPartitionCommitTarget session, RecordBatchWriterRegistry writers, BadRecordBudget budget, ILogger logger)
{
    private readonly IReadOnlyList<string> _outputColumns = prepared.OutputColumns.Select(c => c.Name).ToList();
    private readonly KeyValuePair<string, object?> _jobTag = new(Diagnostics.StageInstruments.JobTag, jobName);
    private long _rowsIn;
    private long _rowsOut;
    private long _missingValues;
    private long _filteredRows;

    /// <summary>The job's bad-record budget, shared by its partitions.</summary>
    public BadRecordBudget Budget => budget;

    public long RowsIn => Interlocked.Read(ref _rowsIn);

    public long RowsOut => Interlocked.Read(ref _rowsOut);

    public long MissingValues => Interlocked.Read(ref _missingValues);

    /// <summary>Rows a Filter stage took out in the partitions scored so far.</summary>
    public long FilteredRows => Interlocked.Read(ref _filteredRows);

    /// <summary>The run's progress, told of each committed partition.</summary>
    public Progress.JobProgress? Progress { get; init; }

    /// <summary>Where the model runs.</summary>
    public OnnxDevice Device => prepared.Model.Device;

    /// <summary>
    /// Scores <paramref name="partition"/> into its files, committed atomically, and records it in the manifest. The
    /// reading, scoring and writing hold one of the processor <paramref name="slots"/>; the commit does not.
    /// </summary>
    public async Task ExecuteAsync(Partition partition, ProcessorSlots slots, CancellationToken cancellationToken)
    {
        using var activity = JobTracing.StartPartition(jobName, partition);
        // The limit starts once the partition holds a processor slot (ExecuteTracedAsync): waiting for one is not its time.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            // Set in this async method, so seen by what it calls and undone when it returns.
            PartitionAttempt.Token = limit.Token;
            await ExecuteTracedAsync(partition, slots, limit).ConfigureAwait(false);
        }
        catch (Exception e) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested && IsCancellation(e))
        {
            // Cancelled by the limit, however the cancellation surfaced (ML.NET wraps its cursors' failures). Any
            // other failure after the deadline (a lost lease, bad data) is reported as itself.
            var timeout = new PartitionTimeoutException(job.Execution.PartitionTimeout);
            JobTracing.Fail(activity, timeout);
            throw timeout;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            JobTracing.Fail(activity, e);
            throw;
        }
    }

    private static bool IsCancellation(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            if (cause is OperationCanceledException || (cause is AggregateException all && all.InnerExceptions.Any(IsCancellation)))
            {
                return true;
            }
        }

        return false;
    }

    private async Task ExecuteTracedAsync(Partition partition, ProcessorSlots slots, CancellationTokenSource limit)
    {
        var cancellationToken = limit.Token;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var quarantine = budget.Tolerant ? new PartitionQuarantine(budget, partition) : null;
        var statistics = new ReadStatistics();
        var destination = session.Outputs.DataFile(partition);
        long rowsOut;
        ObjectLocation? quarantined;
        try
        {
            await using var output = await session.Store.CreateAsync(destination, cancellationToken).ConfigureAwait(false);
            var sequential = await slots.AcquireAsync(cancellationToken).ConfigureAwait(false);
            if (job.Execution.PartitionTimeout > TimeSpan.Zero)
            {
                limit.CancelAfter(job.Execution.PartitionTimeout);
            }

            try
            {
                var view = prepared.Source.WithPartitions([partition]).WithBadRecords(quarantine).WithStatistics(statistics).AsDataView();
                var input = sequential ? view.ReadingOnConsumerThread() : view;
                var scored = prepared.Model.Transform(prepared.Preprocess.Transform(input), quarantine, sequential);
                // Sequential stages never wait on other threads: the cursor runs on this one, without a hand-off.
                rowsOut = await DataViewWriter.WriteAsync(
                    scored, output.Stream, job.Sink.Format, _outputColumns, DataViewWriter.DefaultBlockRows, job.Sink.Parquet, writers,
                    cursorOnCallerThread: sequential, cancellationToken).ConfigureAwait(false);
                // The data file's bytes, not the manifest's or quarantine's: what the write stage wrote.
                if (output.Stream is MeteredWriteStream metered)
                {
                    Diagnostics.RunTelemetry.Current?.Write.AddBytes(metered.BytesWritten);
                }
            }
            finally
            {
                slots.Release();
            }

            session.ThrowIfFenced(jobName);
            await output.CommitAsync(cancellationToken).ConfigureAwait(false);
            session.ThrowIfFenced(jobName);
            quarantined = await WriteQuarantineAsync(partition, quarantine, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A failed attempt's bad rows are found again by the retry; count them once.
            quarantine?.Withdraw();
            throw;
        }

        JobObserver.Reach(JobPoint.AfterOutputCommit);
        var badRows = quarantine?.Count ?? 0;
        session.ThrowIfFenced(jobName);
        await session.RecordAsync(partition, new CommittedPartition
        {
            InputSize = partition.File.Size,
            InputETag = partition.File.ETag,
            Output = destination.ToString(),
            Quarantine = quarantined?.ToString(),
            RowsIn = rowsOut + badRows + statistics.FilteredRows,
            RowsOut = rowsOut,
            BadRows = badRows,
            MissingValues = statistics.MissingValues,
            CommittedAt = DateTimeOffset.UtcNow,
        }, CancellationToken.None).ConfigureAwait(false);
        Interlocked.Add(ref _rowsIn, rowsOut + badRows + statistics.FilteredRows);
        Interlocked.Add(ref _filteredRows, statistics.FilteredRows);
        Interlocked.Add(ref _rowsOut, rowsOut);
        Interlocked.Add(ref _missingValues, statistics.MissingValues);
        budget.CommitRows(rowsOut + badRows + statistics.FilteredRows, badRows);
        Progress?.Committed(badRows);
        JobTracing.Committed(_jobTag, System.Diagnostics.Stopwatch.GetElapsedTime(started), badRows);
        logger.LogDebug("Job {Job}: partition {Partition} committed, {Rows} rows to {Output}", jobName, partition.Id, rowsOut, destination);
    }

    /// <summary>Writes the partition's bad rows, or removes the quarantine file an earlier run left when there are none now.</summary>
    private async Task<ObjectLocation?> WriteQuarantineAsync(Partition partition, PartitionQuarantine? quarantine, CancellationToken cancellationToken)
    {
        var file = session.Outputs.QuarantineFile(partition);
        var written = quarantine is null ? null : await quarantine.WriteAsync(session.Store, file, cancellationToken).ConfigureAwait(false);
        if (written is null)
        {
            // An earlier run may have quarantined rows of this partition; they are scored now, so its file must go.
            try
            {
                await session.Store.DeleteAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException)
            {
            }
        }

        return written;
    }
}
