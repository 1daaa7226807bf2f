using Microsoft.Extensions.Logging;
using MlNetBatch.Data;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// A run's hold on its output directory: the lease, the commit log read from the manifest, the partitions still to
/// score, and the directory made ready for them. Disposing it releases the lease.
/// </summary>
internal sealed class OutputSession : IAsyncDisposable
{
    private readonly OutputLease _lease;

    private OutputSession(OutputLease lease, IObjectStore store, PartitionOutputs outputs, OutputCommitLog commitLog, IReadOnlyList<Partition> pending)
    {
        _lease = lease;
        Store = store;
        Outputs = outputs;
        CommitLog = commitLog;
        Pending = pending;
    }

    /// <summary>The store that holds the output directory.</summary>
    public IObjectStore Store { get; }

    /// <summary>Where each partition's files go.</summary>
    public PartitionOutputs Outputs { get; }

    /// <summary>What is committed, recorded as partitions commit.</summary>
    public OutputCommitLog CommitLog { get; }

    /// <summary>The partitions no earlier run committed for the same input and model.</summary>
    public IReadOnlyList<Partition> Pending { get; }

    /// <summary>
    /// Takes the lease, opens the commit log (from scratch when <see cref="JobRunOptions.Restart"/> is set or the
    /// job changed), and prepares the directory; a problem with the directory is a <see cref="JobFailedException"/>.
    /// </summary>
    public static async Task<OutputSession> OpenAsync(
        ObjectStoreResolver resolver, Formats.DataFormatRegistry formats, string jobName, JobDefinition job, PreparedJob prepared, JobRunOptions runOptions, ILogger logger, CancellationToken cancellationToken)
    {
        var directory = prepared.OutputDirectory;
        var store = MeteredObjectStore.For(resolver.Resolve(directory), directory, input: false);
        var lease = await OutputLease.AcquireAsync(
            store, directory, jobName, runOptions.LeaseDuration ?? job.Execution.LeaseDuration, logger, cancellationToken).ConfigureAwait(false);
        try
        {
            var outputs = new PartitionOutputs(directory, formats.Extension(job.Sink.Format));
            var commitLog = await OutputCommitLog.OpenAsync(
                store, directory, jobName, JobFingerprint.Settings(job, prepared.Source.Files, prepared.FittedStates), JobFingerprint.Model(prepared.Model.Identity), runOptions.Restart, cancellationToken).ConfigureAwait(false);
            var planned = prepared.Partitions.Select(p => (p, outputs.DataFile(p))).ToList();
            commitLog.KeepOnly(planned);
            var pending = planned.Where(p => !commitLog.IsCommitted(p.Item1, p.Item2)).Select(p => p.Item1).ToList();
            await outputs.PrepareAsync(store, commitLog, prepared.Partitions, cancellationToken).ConfigureAwait(false);
            return new OutputSession(lease, store, outputs, commitLog, pending);
        }
        catch (Exception e)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            if (e is MlNetBatchException and not JobFailedException)
            {
                throw new JobFailedException(jobName, e.Message, e);
            }

            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _lease.DisposeAsync();
}
