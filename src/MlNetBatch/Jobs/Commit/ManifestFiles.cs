using System.Text.Json;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The manifests of an output directory: <c>_manifest.json</c> for a run over every partition, and
/// <c>_manifest.shard-i-of-N.json</c> for each shard of a sharded run, each written by one run at a time under its lease.
/// </summary>
internal static class ManifestFiles
{
    /// <summary>The manifest of a run over every partition.</summary>
    public const string WholeJobName = "_manifest.json";

    private const string Stem = "_manifest";
    private const string ShardStem = "_manifest.shard-";

    /// <summary>How manifests are written and read.</summary>
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The manifest a run of <paramref name="shard"/> (or of the whole job) writes.</summary>
    public static string Name(JobShard? shard) => shard is null ? WholeJobName : $"{Stem}.{shard.Name}.json";

    /// <summary>Whether the manifest <paramref name="name"/> is that of another shard of the same count as <paramref name="shard"/>.</summary>
    public static bool IsSibling(string name, JobShard? shard) =>
        shard is not null && name != Name(shard) && name.StartsWith(ShardStem, StringComparison.Ordinal)
        && name.EndsWith(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"-of-{shard.Count}.json"), StringComparison.Ordinal);

    /// <summary>Whether <paramref name="name"/> (relative to the output directory) is a manifest.</summary>
    public static bool IsManifest(string name) =>
        name == WholeJobName || (name.StartsWith(ShardStem, StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal) && !name.Contains('/', StringComparison.Ordinal));

    /// <summary>Every manifest in <paramref name="directory"/>, by name, with its version; an unreadable one is an error, never skipped.</summary>
    public static async Task<IReadOnlyDictionary<string, StoredManifest>> ReadAllAsync(IObjectStore store, ObjectLocation directory, CancellationToken cancellationToken)
    {
        // A manifest listed, then gone before it was read, was retired by a run that took its files into its own
        // manifest, written before: reading the directory again finds that one.
        for (var attempt = 1; ; attempt++)
        {
            var (manifests, vanished) = await ReadListedAsync(store, directory, cancellationToken).ConfigureAwait(false);
            if (!vanished || attempt == 3)
            {
                return manifests;
            }
        }
    }

    /// <summary>
    /// The highest lease epoch the directory's manifests record, 0 when there are none. One that cannot be read counts
    /// as none here: opening the commit log stops the run with that error before anything is written.
    /// </summary>
    public static async Task<long> HighestEpochAsync(IObjectStore store, ObjectLocation directory, CancellationToken cancellationToken)
    {
        try
        {
            var manifests = await ReadAllAsync(store, directory, cancellationToken).ConfigureAwait(false);
            return manifests.Values.Select(m => Math.Max(m.Manifest.Epoch, m.Manifest.Partitions.Values.Select(p => p.Epoch).DefaultIfEmpty().Max())).DefaultIfEmpty().Max();
        }
        catch (MlNetBatchException)
        {
            return 0;
        }
    }

    private static async Task<(IReadOnlyDictionary<string, StoredManifest> Manifests, bool Vanished)> ReadListedAsync(
        IObjectStore store, ObjectLocation directory, CancellationToken cancellationToken)
    {
        var prefix = directory.Key.TrimEnd('/') + "/";
        var names = new List<string>();
        await foreach (var file in store.ListAsync(directory.WithKey(prefix + Stem), cancellationToken).ConfigureAwait(false))
        {
            var name = file.Location.Key[prefix.Length..];
            if (IsManifest(name))
            {
                names.Add(name);
            }
        }

        var manifests = new Dictionary<string, StoredManifest>(StringComparer.Ordinal);
        var vanished = false;
        foreach (var name in names)
        {
            if (await ReadAsync(store, directory.Combine(name), cancellationToken).ConfigureAwait(false) is { } manifest)
            {
                manifests[name] = manifest;
            }
            else
            {
                vanished = true;
            }
        }

        return (manifests, vanished);
    }

    /// <summary>
    /// Refuses a directory where a manifest or commit record (<paramref name="owners"/>: file and the job it names) names
    /// another job: taking its files as this job's would delete that job's output.
    /// </summary>
    public static void ThrowIfAnotherJobs(IEnumerable<(string File, string Job)> owners, ObjectLocation directory, string job)
    {
        foreach (var (file, owner) in owners.Where(o => o.Job != job))
        {
            throw new MlNetBatchException(owner.Length == 0
                ? $"the sink directory {directory} holds a {file} that MlNetBatch did not write; write the output to a directory of its own."
                : $"the sink directory {directory} holds the output of job '{owner}' (its {file} says so); give job '{job}' a sink directory of its own.");
        }
    }

    /// <summary>
    /// Sorts the files the directory's <paramref name="manifests"/> list for a run writing the manifest
    /// <paramref name="name"/>: its own (its manifest's, and those of another split, whose manifests it retires) and
    /// those it may overwrite but not delete (a sibling shard's, which may be in flight).
    /// </summary>
    public static (HashSet<string> Files, HashSet<string> Owned, List<string> Retired) Split(
        IReadOnlyDictionary<string, JobManifest> manifests, string name, JobShard? shard, ObjectLocation directory)
    {
        var previous = manifests.GetValueOrDefault(name);
        var files = new HashSet<string>(previous?.Files ?? [], StringComparer.Ordinal);
        AddVersion1Files(files, directory, previous);
        var retired = new List<string>();
        var owned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, manifest) in manifests.Where(m => m.Key != name))
        {
            // A sibling's files are its own to delete; another split's become this run's (their records do not count).
            var target = IsSibling(file, shard) ? owned : files;
            target.UnionWith(manifest.Files);
            AddVersion1Files(target, directory, manifest);
            if (target == files)
            {
                retired.Add(file);
            }
        }

        owned.UnionWith(files);
        return (files, owned, retired);
    }

    /// <summary>Whether every other shard of <paramref name="shard"/>'s count completed the plan of <paramref name="manifest"/>, with its settings and model.</summary>
    public static async Task<bool> SiblingsCompletedAsync(IObjectStore store, ObjectLocation directory, JobShard shard, JobManifest manifest, CancellationToken cancellationToken)
    {
        var manifests = await ReadAllAsync(store, directory, cancellationToken).ConfigureAwait(false);
        return Enumerable.Range(0, shard.Count).Where(i => i != shard.Index).Select(i => Name(JobShard.Of(i, shard.Count)))
            .All(name => manifests.GetValueOrDefault(name)?.Manifest is { Complete: true } sibling && sibling.PlanHash == manifest.PlanHash
                && sibling.ConfigHash == manifest.ConfigHash && sibling.ModelHash == manifest.ModelHash);
    }

    /// <summary>Manifests of version 1 named their files only in the partition entries.</summary>
    public static void AddVersion1Files(HashSet<string> files, ObjectLocation directory, JobManifest? manifest)
    {
        var prefix = directory.ToString().TrimEnd('/') + "/";
        foreach (var entry in manifest?.Partitions.Values ?? Enumerable.Empty<CommittedPartition>())
        {
            foreach (var location in new[] { entry.Output, entry.Quarantine })
            {
                if (location is not null && location.StartsWith(prefix, StringComparison.Ordinal))
                {
                    files.Add(location[prefix.Length..]);
                }
            }
        }
    }

    /// <summary>The manifest at <paramref name="location"/> with its version, or null when there is none; an unreadable one is an error.</summary>
    public static async Task<StoredManifest?> ReadAsync(IObjectStore store, ObjectLocation location, CancellationToken cancellationToken)
    {
        try
        {
            // Null when listed, then removed by another shard's run meanwhile.
            return await VersionedJson.ReadAsync<JobManifest>(store, location, Json, cancellationToken).ConfigureAwait(false) is { } read
                ? new StoredManifest(read.Value, read.Version)
                : null;
        }
        catch (JsonException e)
        {
            // The manifest is the only proof of which files the job wrote; guessing could delete somebody's file.
            throw new MlNetBatchException(
                $"the manifest {location} cannot be read ({e.Message}); it lists the files the job wrote. Restore it, or move the directory's files elsewhere and delete it.", e);
        }
    }
}
