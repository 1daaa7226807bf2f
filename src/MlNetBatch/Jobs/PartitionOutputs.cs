using MlNetBatch.Data;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs;

/// <summary>
/// Where each partition's files go in the output directory, and the preparation of that directory for a run:
/// the run's files are claimed in the manifest before any is written, and files that an earlier run of the job
/// wrote but no current partition owns (their input changed or disappeared) are removed, so that every input row
/// appears exactly once. Only files the manifest says the job wrote are ever deleted or overwritten.
/// </summary>
internal sealed class PartitionOutputs(ObjectLocation directory, string extension)
{
    /// <summary>The output directory.</summary>
    public ObjectLocation Directory => directory;

    /// <summary>The partition's data file.</summary>
    public ObjectLocation DataFile(Partition partition) => directory.Combine(DataFileName(partition));

    /// <summary>The partition's quarantine file (written only when it had bad rows).</summary>
    public ObjectLocation QuarantineFile(Partition partition) => directory.Combine(QuarantineFileName(partition));

    /// <summary>
    /// Makes the directory ready for a run over <paramref name="mine"/> of the job's <paramref name="partitions"/>
    /// (all of them, or a shard's share): refuses to overwrite a file the job did not write, claims the run's files in
    /// its manifest, deletes the job's stale files and the temporary files of its own writes that never committed
    /// (another shard's may be in flight). Call it while holding the output lease.
    /// </summary>
    public async Task PrepareAsync(IObjectStore store, OutputCommitLog commitLog, IReadOnlyList<Partition> partitions, IReadOnlyList<Partition> mine, JobShard? shard, CancellationToken cancellationToken)
    {
        var planned = partitions.SelectMany(FileNames).ToHashSet(StringComparer.Ordinal);
        var claimed = mine.SelectMany(FileNames).ToHashSet(StringComparer.Ordinal);
        var prefix = directory.Key.TrimEnd('/') + "/";
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var file in store.ListAsync(directory.WithKey(prefix), cancellationToken).ConfigureAwait(false))
        {
            existing.Add(file.Location.Key[prefix.Length..]);
        }

        // Only this run's files: another shard's may appear meanwhile, claimed in a manifest read before they were.
        var foreign = claimed.Where(name => existing.Contains(name) && !commitLog.OwnedFiles.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (!commitLog.HadManifest && existing.Contains(OutputCommitLog.SuccessName))
        {
            // The run deletes _SUCCESS while the output changes: one that no manifest of the job explains is not its to delete.
            foreign.Insert(0, OutputCommitLog.SuccessName);
        }

        if (foreign.Count > 0)
        {
            throw new MlNetBatchException(
                $"the sink directory {directory} already holds {Describe(foreign)}, which this job did not write (its manifest does not list it); the job never overwrites such files: move them away or write to another directory.");
        }

        await commitLog.ClaimAsync(claimed, cancellationToken).ConfigureAwait(false);

        // Temporary files of a run that died between writing and renaming (the lease says no one is writing them
        // now), for this run's files and its stale ones: released first, their temporaries would stay forever. Only
        // files of this run's own manifest are stale to it: a sibling shard that planned later may be writing others.
        var stale = commitLog.OwnFiles.Where(name => !planned.Contains(name)).ToList();
        // A partition's commit record is named by its id, so this run's own are known, like its files.
        var cleanable = claimed.Concat(stale).Concat(mine.Select(p => CommitRecordFiles.Name(p.Id)))
            .Append(ManifestFiles.Name(shard)).Append(OutputLease.Name(shard)).ToHashSet(StringComparer.Ordinal);
        await store.RemoveAbandonedWritesAsync(
            directory, final => final.Key.StartsWith(prefix, StringComparison.Ordinal) && cleanable.Contains(final.Key[prefix.Length..]), cancellationToken).ConfigureAwait(false);

        foreach (var name in stale.Where(existing.Contains))
        {
            await store.DeleteIfExistsAsync(directory.Combine(name), cancellationToken).ConfigureAwait(false);
        }

        commitLog.Release(stale);
    }

    private IEnumerable<string> FileNames(Partition partition) => [DataFileName(partition), QuarantineFileName(partition)];

    private string DataFileName(Partition partition) => partition.OutputName + extension;

    private static string QuarantineFileName(Partition partition) => $"{PartitionQuarantine.FolderName}/{partition.OutputName}.jsonl";

    private static string Describe(IReadOnlyList<string> names) =>
        names.Count <= 3 ? string.Join(", ", names.Select(n => $"'{n}'")) : $"'{names[0]}', '{names[1]}' and {names.Count - 2} more files";
}
