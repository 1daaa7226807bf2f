using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The output directory's commit record: reads the manifests at the start of a run, says which partitions are
/// already done, records each partition as it commits and writes <c>_SUCCESS</c> when all are. A run writes only its
/// own manifest (<c>_manifest.json</c>, or one per shard); the other shards' manifests are read, never written.
/// </summary>
public sealed class OutputCommitLog
{
    /// <summary>The manifest's file name in the output directory, for a run over every partition.</summary>
    public const string ManifestName = ManifestFiles.WholeJobName;

    /// <summary>The marker written when every partition is committed.</summary>
    public const string SuccessName = "_SUCCESS";

    /// <summary>The longest time a committed partition waits to be recorded in the manifest file.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    private readonly IObjectStore _store;
    private readonly ObjectLocation _directory;
    private readonly string _name;
    private readonly JobManifest _manifest;
    private readonly HashSet<string> _files;
    private readonly IReadOnlyList<JobManifest> _others;
    private readonly HashSet<string> _owned;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly System.Diagnostics.Stopwatch _sinceWrite = System.Diagnostics.Stopwatch.StartNew();
    private bool _dirty;

    private OutputCommitLog(IObjectStore store, ObjectLocation directory, string name, JobManifest manifest, HashSet<string> files, IReadOnlyList<JobManifest> others, HashSet<string> owned)
    {
        _store = store;
        _directory = directory;
        _name = name;
        _manifest = manifest;
        _files = files;
        _others = others;
        _owned = owned;
    }

    /// <summary>
    /// The files (relative to the output directory) that this job wrote or was about to write, by all its manifests:
    /// the only files it may delete or overwrite.
    /// </summary>
    public IReadOnlySet<string> OwnedFiles => _owned;

    /// <summary>Whether the directory held a manifest of this job when the run began: only then is a <c>_SUCCESS</c> there the job's.</summary>
    public bool HadManifest { get; private init; }

    /// <summary>
    /// Opens the record for a run of the whole job, or of <paramref name="shard"/>. Earlier records count only when
    /// written for the same settings and model and <paramref name="restart"/> is false.
    /// </summary>
    public static async Task<OutputCommitLog> OpenAsync(
        IObjectStore store, ObjectLocation directory, string job, string settingsHash, string modelHash, bool restart, JobShard? shard, CancellationToken cancellationToken)
    {
        var name = ManifestFiles.Name(shard);
        // Read even on a restart or a changed job: what an earlier run wrote stays this job's to replace or remove.
        var manifests = await ManifestFiles.ReadAllAsync(store, directory, cancellationToken).ConfigureAwait(false);
        foreach (var (file, manifest) in manifests)
        {
            if (manifest.Job != job)
            {
                // Another job's files are listed there: taking them as this job's would delete that job's output.
                throw new MlNetBatchException(manifest.Job.Length == 0
                    ? $"the sink directory {directory} holds a {file} that MlNetBatch did not write; write the output to a directory of its own."
                    : $"the sink directory {directory} holds the output of job '{manifest.Job}' (its {file} says so); give job '{job}' a sink directory of its own.");
            }
        }

        bool Current(JobManifest m) => !restart && m.ConfigHash == settingsHash && m.ModelHash == modelHash;
        var previous = manifests.GetValueOrDefault(name);
        var own = previous is not null && Current(previous) ? previous : new JobManifest { Job = job, ConfigHash = settingsHash, ModelHash = modelHash };
        own.Complete = false;
        var files = new HashSet<string>(previous?.Files ?? [], StringComparer.Ordinal);
        AddVersion1Files(files, directory, previous);
        var owned = new HashSet<string>(files, StringComparer.Ordinal);
        foreach (var other in manifests.Where(m => m.Key != name).Select(m => m.Value))
        {
            owned.UnionWith(other.Files);
            AddVersion1Files(owned, directory, other);
        }

        var others = manifests.Where(m => m.Key != name && Current(m.Value)).Select(m => m.Value).ToList();
        return new OutputCommitLog(store, directory, name, own, files, others, owned) { HadManifest = manifests.Count > 0 };
    }

    /// <summary>Whether <paramref name="partition"/> was committed from the same input as it has now, to <paramref name="output"/>, by this run's manifest or another shard's.</summary>
    public bool IsCommitted(Partition partition, ObjectLocation output) => Entry(partition, output) is not null;

    /// <summary>The record of <paramref name="partition"/> committed to <paramref name="output"/> from its current input, or null.</summary>
    public CommittedPartition? Entry(Partition partition, ObjectLocation output) =>
        Matching(_manifest, partition, output) ?? _others.Select(m => Matching(m, partition, output)).FirstOrDefault(e => e is not null);

    /// <summary>Forgets this manifest's partitions that are not part of the run's plan, so that it describes the output as it is.</summary>
    public void KeepOnly(IEnumerable<(Partition Partition, ObjectLocation Output)> planned)
    {
        var ids = planned.Where(p => Matching(_manifest, p.Partition, p.Output) is not null).Select(p => p.Partition.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in _manifest.Partitions.Keys.Where(id => !ids.Contains(id)).ToList())
        {
            _manifest.Partitions.Remove(id);
        }
    }

    /// <summary>
    /// Records, in this run's manifest on storage, that it may write <paramref name="files"/> (relative to the
    /// output directory): done before any of them is created, so a crash can never leave a file the job cannot
    /// prove it wrote.
    /// </summary>
    public async Task ClaimAsync(IEnumerable<string> files, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _files.UnionWith(files);
            _owned.UnionWith(_files);
            await WriteAsync(cancellationToken).ConfigureAwait(false);
            // The output is about to change, so it is no longer complete.
            await DeleteIfExistsAsync(_directory.Combine(SuccessName), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Stops claiming <paramref name="files"/> once they are deleted; saved with the next write.</summary>
    public void Release(IEnumerable<string> files)
    {
        _files.ExceptWith(files);
        _dirty = true;
    }

    /// <summary>
    /// Records a committed partition. The manifest is rewritten at most every <see cref="FlushInterval"/>, and by
    /// <see cref="FlushAsync"/>: rewriting it whole per partition would cost quadratic time on jobs of many thousand
    /// partitions. A crash loses at most the last interval's records; those partitions are scored again and their
    /// files, which have fixed names, overwritten — the output stays exactly-once.
    /// </summary>
    public async Task RecordAsync(Partition partition, CommittedPartition entry, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _manifest.Partitions[partition.Id] = entry;
            _dirty = true;
            if (_sinceWrite.Elapsed >= FlushInterval)
            {
                await WriteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes the records not yet in the manifest (at the end of a run, however it ends).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_dirty)
            {
                await WriteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Marks the output complete when every partition of <paramref name="plan"/> is committed, by this run or by the
    /// other shards (whose manifests are read again now, after this one's last records are written): the manifest
    /// says so, and <c>_SUCCESS</c> appears. Of shards finishing together, at least the last to write its manifest
    /// sees them all. Returns whether the output is complete.
    /// </summary>
    public async Task<bool> CompleteAsync(IReadOnlyList<(Partition Partition, ObjectLocation Output)> plan, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteAsync(cancellationToken).ConfigureAwait(false);
            // A whole-job run is alone on the output (the leases see to it): the manifests it read at the start are
            // all there is. Shards run side by side, so a shard reads the others' again now.
            var others = _name == ManifestFiles.WholeJobName
                ? _others
                : (await ManifestFiles.ReadAllAsync(_store, _directory, cancellationToken).ConfigureAwait(false))
                    .Where(m => m.Key != _name && m.Value.ConfigHash == _manifest.ConfigHash && m.Value.ModelHash == _manifest.ModelHash)
                    .Select(m => m.Value).ToList();
            var complete = plan.All(p => Matching(_manifest, p.Partition, p.Output) is not null || others.Any(m => Matching(m, p.Partition, p.Output) is not null));
            if (!complete)
            {
                return false;
            }

            _manifest.Complete = true;
            await WriteAsync(cancellationToken).ConfigureAwait(false);
            await using var success = await _store.CreateAsync(_directory.Combine(SuccessName), cancellationToken).ConfigureAwait(false);
            await success.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static CommittedPartition? Matching(JobManifest manifest, Partition partition, ObjectLocation output) =>
        manifest.Partitions.TryGetValue(partition.Id, out var entry)
        && entry.InputSize == partition.File.Size
        && entry.InputETag == partition.File.ETag
        && entry.Output == output.ToString()
            ? entry
            : null;

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        _manifest.Files = _files.Order(StringComparer.Ordinal).ToList();
        await ManifestFiles.WriteAsync(_store, _directory, _name, _manifest, cancellationToken).ConfigureAwait(false);
        _dirty = false;
        _sinceWrite.Restart();
    }

    /// <summary>Manifests of version 1 named their files only in the partition entries.</summary>
    private static void AddVersion1Files(HashSet<string> files, ObjectLocation directory, JobManifest? manifest)
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

    private async Task DeleteIfExistsAsync(ObjectLocation location, CancellationToken cancellationToken)
    {
        try
        {
            await _store.DeleteAsync(location, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
        }
    }
}
