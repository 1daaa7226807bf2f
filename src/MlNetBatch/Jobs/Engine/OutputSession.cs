using Microsoft.Extensions.Logging;
using MlNetBatch.Data;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// A run's hold on its output directory: the lease, the commit log read from the manifest, the partitions still to
/// score, and the directory made ready for them. Disposing it releases the lease.
/// </summary>
internal sealed class OutputSession : IPartitionCommitTarget, IAsyncDisposable
{
    private readonly OutputLease _lease;

    private OutputSession(
        OutputLease lease, IObjectStore store, PartitionOutputs outputs, OutputCommitLog commitLog, IReadOnlyList<(Partition, ObjectLocation)> plan, IReadOnlyList<Partition> mine, IReadOnlyList<Partition> pending)
    {
        _lease = lease;
        Store = store;
        Outputs = outputs;
        CommitLog = commitLog;
        Plan = plan;
        Mine = mine;
        Pending = pending;
    }

    /// <summary>The store that holds the output directory.</summary>
    public IObjectStore Store { get; }

    /// <summary>Where each partition's files go.</summary>
    public PartitionOutputs Outputs { get; }

    /// <summary>What is committed, recorded as partitions commit.</summary>
    public OutputCommitLog CommitLog { get; }

    /// <summary>Every partition of the job with its data file, this run's or another shard's.</summary>
    public IReadOnlyList<(Partition Partition, ObjectLocation Output)> Plan { get; }

    /// <summary>The partitions this run answers for: all of them, or its shard's share.</summary>
    public IReadOnlyList<Partition> Mine { get; }

    /// <summary>This run's partitions that no earlier run committed for the same input and model.</summary>
    public IReadOnlyList<Partition> Pending { get; }

    /// <summary>
    /// Takes the lease, opens the commit log (from scratch when <see cref="JobRunOptions.Restart"/> is set or the
    /// job changed), and prepares the directory unless <paramref name="prepareDirectory"/> is false (a cluster run
    /// whose nodes are writing already); a problem with the directory is a <see cref="JobFailedException"/>.
    /// </summary>
    public static async Task<OutputSession> OpenAsync(
        ObjectStoreResolver resolver, Formats.DataFormatRegistry formats, string jobName, JobDefinition job, PreparedJob prepared, JobRunOptions runOptions, ILogger logger, CancellationToken cancellationToken,
        bool prepareDirectory = true)
    {
        var (store, outputs) = Locate(resolver, formats, job, prepared);
        var directory = outputs.Directory;
        var (settingsHash, modelHash) = Fingerprint(job, prepared);
        var lease = await OutputLease.AcquireAsync(
            store, directory, jobName, runOptions.Shard, $"{settingsHash}/{modelHash}", runOptions.LeaseDuration ?? job.Execution.LeaseDuration, logger, cancellationToken).ConfigureAwait(false);
        try
        {
            var plan = prepared.Partitions.Select(p => (p, outputs.DataFile(p))).ToList();
            var commitLog = await OutputCommitLog.OpenAsync(
                store, directory, jobName, settingsHash, modelHash, PlanHash(plan), runOptions.Restart, runOptions.Shard, lease.Epoch, cancellationToken).ConfigureAwait(false);
            var mine = plan.Where(p => runOptions.Shard?.Owns(p.p.Id) ?? true).ToList();
            commitLog.KeepOnly(mine);
            var pending = mine.Where(p => !commitLog.IsCommitted(p.p, p.Item2)).Select(p => p.p).ToList();
            if (prepareDirectory)
            {
                await outputs.PrepareAsync(store, commitLog, prepared.Partitions, mine.Select(p => p.p).ToList(), runOptions.Shard, cancellationToken).ConfigureAwait(false);
            }

            return new OutputSession(lease, store, outputs, commitLog, plan, mine.Select(p => p.p).ToList(), pending);
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

    /// <summary>The store of <paramref name="prepared"/>'s output directory, and where each partition's files go there.</summary>
    public static (IObjectStore Store, PartitionOutputs Outputs) Locate(ObjectStoreResolver resolver, Formats.DataFormatRegistry formats, JobDefinition job, PreparedJob prepared)
    {
        var directory = prepared.OutputDirectory;
        return (MeteredObjectStore.For(resolver.Resolve(directory), directory, input: false), new PartitionOutputs(directory, formats.Extension(job.Sink.Format)));
    }

    /// <summary>The hashes of the settings that shape the output and of the model: equal ones score equal rows.</summary>
    public static (string Settings, string Model) Fingerprint(JobDefinition job, PreparedJob prepared) =>
        (JobFingerprint.Settings(job, prepared.Source.Files, prepared.FittedStates), JobFingerprint.Model(prepared.Model.Identity));

    /// <summary>
    /// What the run plans to have in the output: every partition's id, input version and file. Shards that planned
    /// the same output agree on it; one that listed the input before a file changed does not.
    /// </summary>
    internal static string PlanHash(IEnumerable<(Partition Partition, ObjectLocation Output)> plan)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (partition, output) in plan.OrderBy(p => p.Partition.Id, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{partition.Id}\n{partition.File.Size}\n{partition.File.ETag}\n{output}\n"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Throws <see cref="OutputLeaseLostException"/> once another run took the output's lease: call it before each commit.</summary>
    public void ThrowIfLeaseLost(string jobName) => _lease.ThrowIfLost(jobName, Outputs.Directory);

    /// <inheritdoc />
    public void ThrowIfFenced(string jobName) => ThrowIfLeaseLost(jobName);

    /// <inheritdoc />
    public Task RecordAsync(Partition partition, CommittedPartition entry, CancellationToken cancellationToken) =>
        CommitLog.RecordAsync(partition, entry, cancellationToken);

    /// <summary>Whether the lease is lost, by renewal or by running out.</summary>
    public bool LeaseLost => _lease.LossReason() is not null;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _lease.DisposeAsync();
}
