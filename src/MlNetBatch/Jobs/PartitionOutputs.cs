using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs;

/// <summary>
/// Where each partition's files go in the output directory, and the clean-up of files no current partition owns
/// (left by an earlier run whose input has since changed), so that every input row appears exactly once.
/// The output directory belongs to the job: files there that look like partition output are the job's.
/// </summary>
internal sealed class PartitionOutputs(ObjectLocation directory, string extension)
{
    private readonly System.Text.RegularExpressions.Regex _partitionFile = new(
        "^[A-Za-z0-9_-]+-[0-9]{5}" + System.Text.RegularExpressions.Regex.Escape(extension) + "$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The partition's data file.</summary>
    public ObjectLocation DataFile(Partition partition) => directory.Combine(partition.OutputName + extension);

    /// <summary>The partition's quarantine file (written only when it had bad rows).</summary>
    public ObjectLocation QuarantineFile(Partition partition) => directory.Combine($"{PartitionQuarantine.FolderName}/{partition.OutputName}.jsonl");

    /// <summary>Whether a file name has the shape of a partition's output (<c>stem-00000.ext</c>).</summary>
    public bool IsPartitionFileName(string name) => _partitionFile.IsMatch(name);

    /// <summary>Deletes data and quarantine files that belong to no partition of the current plan, and abandoned temporary files.</summary>
    public async Task RemoveStaleAsync(IObjectStore store, IReadOnlyList<Partition> partitions, CancellationToken cancellationToken)
    {
        var owned = partitions.SelectMany(p => new[] { DataFile(p).Key, QuarantineFile(p).Key }).ToHashSet(StringComparer.Ordinal);
        var prefix = directory.Key.TrimEnd('/') + "/";
        var stale = new List<ObjectInfo>();
        await foreach (var file in store.ListAsync(directory.WithKey(prefix), cancellationToken).ConfigureAwait(false))
        {
            var key = file.Location.Key;
            var relative = key[prefix.Length..];
            var isQuarantine = relative.StartsWith(PartitionQuarantine.FolderName + "/", StringComparison.Ordinal);
            var isData = !relative.Contains('/') && IsPartitionFileName(relative);
            if ((isData || isQuarantine) && !owned.Contains(key))
            {
                stale.Add(file);
            }
        }

        foreach (var file in stale)
        {
            await store.DeleteAsync(file.Location, cancellationToken).ConfigureAwait(false);
        }

        // Temporary files of a run that died between writing and renaming; the lease says no one is writing now.
        await store.RemoveAbandonedWritesAsync(directory, cancellationToken).ConfigureAwait(false);
    }
}
