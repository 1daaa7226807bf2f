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
    /// <summary>The partition's data file.</summary>
    public ObjectLocation DataFile(Partition partition) => directory.Combine(DataFileName(partition));

    /// <summary>The partition's quarantine file (written only when it had bad rows).</summary>
    public ObjectLocation QuarantineFile(Partition partition) => directory.Combine(QuarantineFileName(partition));

    /// <summary>
    /// Makes the directory ready for a run over <paramref name="partitions"/>: refuses to overwrite a file the job
    /// did not write, claims the run's files in the manifest, deletes the job's stale files and the temporary files
    /// of its writes that never committed. Call it while holding the output lease.
    /// </summary>
    public async Task PrepareAsync(IObjectStore store, OutputCommitLog commitLog, IReadOnlyList<Partition> partitions, CancellationToken cancellationToken)
    {
        var planned = partitions.SelectMany(p => new[] { DataFileName(p), QuarantineFileName(p) }).ToHashSet(StringComparer.Ordinal);
        var prefix = directory.Key.TrimEnd('/') + "/";
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var file in store.ListAsync(directory.WithKey(prefix), cancellationToken).ConfigureAwait(false))
        {
            existing.Add(file.Location.Key[prefix.Length..]);
        }

        var foreign = planned.Where(name => existing.Contains(name) && !commitLog.OwnedFiles.Contains(name)).Order(StringComparer.Ordinal).ToList();
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

        await commitLog.ClaimAsync(planned, cancellationToken).ConfigureAwait(false);

        // Temporary files of a run that died between writing and renaming (the lease says no one is writing now),
        // for every file the job owns, stale ones included: released first, their temporaries would stay forever.
        var owned = commitLog.OwnedFiles.ToHashSet(StringComparer.Ordinal);
        await store.RemoveAbandonedWritesAsync(
            directory, final => final.Key.StartsWith(prefix, StringComparison.Ordinal) && IsOwned(owned, final.Key[prefix.Length..]), cancellationToken).ConfigureAwait(false);

        var stale = owned.Where(name => !planned.Contains(name)).ToList();
        foreach (var name in stale.Where(existing.Contains))
        {
            await store.DeleteAsync(directory.Combine(name), cancellationToken).ConfigureAwait(false);
        }

        commitLog.Release(stale);
    }

    private string DataFileName(Partition partition) => partition.OutputName + extension;

    private static string QuarantineFileName(Partition partition) => $"{PartitionQuarantine.FolderName}/{partition.OutputName}.jsonl";

    private static bool IsOwned(IReadOnlySet<string> owned, string name) =>
        owned.Contains(name) || name is OutputCommitLog.ManifestName or OutputCommitLog.SuccessName or OutputLease.LeaseName;

    private static string Describe(IReadOnlyList<string> names) =>
        names.Count <= 3 ? string.Join(", ", names.Select(n => $"'{n}'")) : $"'{names[0]}', '{names[1]}' and {names.Count - 2} more files";
}
