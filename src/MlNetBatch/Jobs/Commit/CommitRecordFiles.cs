using System.Text.Json;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The per-partition commit records of an output directory, <c>_commits/&lt;hash of the partition id&gt;.json</c>: each
/// is created if absent, or replaced at the version read, so a run of an earlier lease epoch cannot replace a later
/// one's record. The name is a hash because partition ids hold slashes and may be longer than a file name may be.
/// </summary>
internal static class CommitRecordFiles
{
    /// <summary>The folder of the records, in the output directory.</summary>
    public const string Folder = "_commits";

    private const int Attempts = 5;

    /// <summary>The record's name for the partition <paramref name="partitionId"/>, relative to the output directory.</summary>
    public static string Name(string partitionId) =>
        $"{Folder}/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(partitionId)))[..32]}.json";

    /// <summary>Every record in <paramref name="directory"/>, by name; one that cannot be read is an error, never skipped.</summary>
    public static async Task<IReadOnlyDictionary<string, CommitRecord>> ReadAllAsync(IObjectStore store, ObjectLocation directory, CancellationToken cancellationToken)
    {
        var prefix = directory.Key.TrimEnd('/') + "/";
        var names = new List<string>();
        await foreach (var file in store.ListAsync(directory.WithKey(prefix + Folder + "/"), cancellationToken).ConfigureAwait(false))
        {
            var name = file.Location.Key[prefix.Length..];
            if (name.EndsWith(".json", StringComparison.Ordinal))
            {
                names.Add(name);
            }
        }

        var records = new System.Collections.Concurrent.ConcurrentDictionary<string, CommitRecord>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (name, token) =>
        {
            // Null when removed since listed, by the run that folded it.
            if (await ReadAsync(store, directory.Combine(name), token).ConfigureAwait(false) is { } read)
            {
                records[name] = read.Record;
            }
        }).ConfigureAwait(false);
        return records;
    }

    /// <summary>
    /// Writes <paramref name="record"/>, unless a run of the same manifest and a later lease epoch wrote the
    /// partition's record: that run has the output, and this one gets <see cref="OutputLeaseLostException"/>.
    /// </summary>
    public static async Task WriteAsync(IObjectStore store, ObjectLocation directory, CommitRecord record, string job, CancellationToken cancellationToken)
    {
        var name = Name(record.Partition);
        var location = directory.Combine(name);
        var content = JsonSerializer.SerializeToUtf8Bytes(record, ManifestFiles.Json);
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            if (await store.TryCreateNewAsync(location, content, cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }

            if (await ReadAsync(store, location, cancellationToken).ConfigureAwait(false) is not { } current)
            {
                continue;
            }

            if (current.Record.Manifest == record.Manifest && current.Record.Entry.Epoch > record.Entry.Epoch)
            {
                throw OutputLeaseLostException.LaterEpoch(job, directory, name, current.Record.Entry.Epoch, record.Entry.Epoch);
            }

            if (await store.TryReplaceAsync(location, content, current.Version, cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        throw new StorageException(location, $"job '{job}': the commit record kept changing while this run wrote it ({Attempts} attempts); another run writes it too.");
    }

    /// <summary>
    /// Takes into <paramref name="manifest"/> (named <paramref name="manifestName"/>) the records of its split, settings
    /// and model that are no older than the manifest itself and its entries. A record of an earlier epoch than the
    /// manifest's was there when the run that wrote the manifest began: that run folded it, or dropped its partition
    /// (its input gone, a restart), and must not see it counted again. Returns their names, and those of the records no run will count
    /// (of another split, settings or model, or all of them on a restart), which the run removes once it holds the
    /// output. A sibling shard's records are its own, and left alone.
    /// </summary>
    public static (List<string> Taken, List<string> Stale) Fold(
        IReadOnlyDictionary<string, CommitRecord> records, JobManifest manifest, string manifestName, JobShard? shard, bool restart)
    {
        var taken = new List<string>();
        var stale = new List<string>();
        foreach (var (name, record) in records)
        {
            if (record.Manifest != manifestName)
            {
                if (!ManifestFiles.IsSibling(record.Manifest, shard))
                {
                    stale.Add(name);
                }

                continue;
            }

            var current = manifest.Partitions.GetValueOrDefault(record.Partition);
            if (!restart && record.ConfigHash == manifest.ConfigHash && record.ModelHash == manifest.ModelHash
                && record.Entry.Epoch >= manifest.Epoch && (current is null || current.Epoch <= record.Entry.Epoch))
            {
                manifest.Partitions[record.Partition] = record.Entry;
                taken.Add(name);
            }
            else
            {
                stale.Add(name);
            }
        }

        return (taken, stale);
    }

    /// <summary>Deletes <paramref name="record"/>'s partition's record if it is still that one (same split and epoch), not a later run's.</summary>
    public static async Task DeleteIfStillAsync(IObjectStore store, ObjectLocation directory, CommitRecord record, CancellationToken cancellationToken)
    {
        var location = directory.Combine(Name(record.Partition));
        if (await ReadAsync(store, location, cancellationToken).ConfigureAwait(false) is { } current
            && current.Record.Manifest == record.Manifest && current.Record.Entry.Epoch == record.Entry.Epoch)
        {
            await store.DeleteIfExistsAsync(location, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the records <paramref name="names"/>; one already gone is no error.</summary>
    public static Task DeleteAsync(IObjectStore store, ObjectLocation directory, IEnumerable<string> names, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (name, token) =>
            await store.DeleteIfExistsAsync(directory.Combine(name), token).ConfigureAwait(false));

    private static async Task<(CommitRecord Record, string Version)?> ReadAsync(IObjectStore store, ObjectLocation location, CancellationToken cancellationToken)
    {
        try
        {
            return await VersionedJson.ReadAsync<CommitRecord>(store, location, ManifestFiles.Json, cancellationToken).ConfigureAwait(false) is { } read
                ? (read.Value, read.Version)
                : null;
        }
        catch (JsonException e)
        {
            throw new MlNetBatchException(
                $"the commit record {location} cannot be read ({e.Message}); delete it, and the next run scores its partition again.", e);
        }
    }
}
