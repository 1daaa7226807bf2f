using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The output directory's commit record: the run's own manifest (<c>_manifest.json</c>, or one per shard) lists the
/// files the job may write and the partitions done. Each partition is recorded the moment it commits, in a record of
/// its own (<see cref="CommitRecordFiles"/>); the manifest is the summary folded from them at the end of a run, and
/// <c>_SUCCESS</c> is written when all of the job's partitions are committed. A run counts only its own manifest's records. Sibling shards' manifests (same count) are read
/// for the files they own and for completion, never written; manifests of another split (the whole job, another
/// count) cannot have a live writer under the run's lease, so their files become the run's and they are removed.
/// The manifest is written under the run's lease epoch (see <see cref="ManifestWriter"/>): a run whose lease was taken
/// over cannot overwrite the new holder's.
/// </summary>
public sealed class OutputCommitLog
{
    /// <summary>The manifest's file name in the output directory, for a run over every partition.</summary>
    public const string ManifestName = ManifestFiles.WholeJobName;

    /// <summary>The marker written when every partition is committed.</summary>
    public const string SuccessName = "_SUCCESS";

    private readonly IObjectStore _store;
    private readonly ObjectLocation _directory;
    private readonly ManifestWriter _writer;
    private readonly JobManifest _manifest;
    private readonly HashSet<string> _files;
    private readonly JobShard? _shard;
    private readonly IReadOnlyList<string> _retired;
    private readonly HashSet<string> _owned;
    private readonly HashSet<string> _records;
    private readonly List<string> _staleRecords;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _dirty;

    private OutputCommitLog(
        IObjectStore store, ObjectLocation directory, ManifestWriter writer, JobManifest manifest, HashSet<string> files, JobShard? shard, IReadOnlyList<string> retired, HashSet<string> owned,
        (List<string> Taken, List<string> Stale) records)
    {
        _records = new HashSet<string>(records.Taken, StringComparer.Ordinal);
        _staleRecords = records.Stale;
        _store = store;
        _directory = directory;
        _writer = writer;
        _manifest = manifest;
        _files = files;
        _shard = shard;
        _retired = retired;
        _owned = owned;
    }

    /// <summary>
    /// The files (relative to the output directory) that this job wrote or was about to write, by all its manifests:
    /// the only files it may overwrite.
    /// </summary>
    public IReadOnlySet<string> OwnedFiles => _owned;

    /// <summary>The files this run's own manifest lists: the only ones it may delete as stale (a sibling's may be in flight).</summary>
    public IReadOnlySet<string> OwnFiles => _files;

    /// <summary>Whether the directory held a manifest of this job when the run began: only then is a <c>_SUCCESS</c> there the job's.</summary>
    public bool HadManifest { get; private init; }

    /// <summary>
    /// Opens the record for a run of the whole job, or of <paramref name="shard"/>, planning <paramref name="planHash"/>.
    /// Earlier records count only when written for the same settings and model and <paramref name="restart"/> is false.
    /// Call it holding the run's lease: the manifest is written under the epoch that lease records.
    /// </summary>
    public static async Task<OutputCommitLog> OpenAsync(
        IObjectStore store, ObjectLocation directory, string job, string settingsHash, string modelHash, string planHash, bool restart, JobShard? shard, long epoch, CancellationToken cancellationToken)
    {
        var name = ManifestFiles.Name(shard);
        // Read even on a restart or a changed job: what an earlier run wrote stays this job's to replace or remove.
        var stored = await ManifestFiles.ReadAllAsync(store, directory, cancellationToken).ConfigureAwait(false);
        var manifests = stored.ToDictionary(m => m.Key, m => m.Value.Manifest, StringComparer.Ordinal);
        var records = await CommitRecordFiles.ReadAllAsync(store, directory, cancellationToken).ConfigureAwait(false);
        // A record of another job is never this run's to remove, however stale it looks.
        ManifestFiles.ThrowIfAnotherJobs(manifests.Select(m => (m.Key, m.Value.Job)).Concat(records.Select(r => (r.Key, r.Value.Job))), directory, job);

        var previous = manifests.GetValueOrDefault(name);
        var own = !restart && previous is not null && previous.ConfigHash == settingsHash && previous.ModelHash == modelHash
            ? previous
            : new JobManifest { Job = job, ConfigHash = settingsHash, ModelHash = modelHash };
        own.Complete = false;
        own.PlanHash = planHash;
        var (files, owned, retired) = ManifestFiles.Split(manifests, name, shard, directory);
        var folded = CommitRecordFiles.Fold(records, own, name, shard, restart);
        var writer = new ManifestWriter(store, directory, name, job, epoch, stored.GetValueOrDefault(name));
        return new OutputCommitLog(store, directory, writer, own, files, shard, retired, owned, folded) { HadManifest = manifests.Count > 0 };
    }

    /// <summary>Whether <paramref name="partition"/> was committed, by this run's manifest, from the same input as it has now, to <paramref name="output"/>.</summary>
    public bool IsCommitted(Partition partition, ObjectLocation output) => Entry(partition, output) is not null;

    /// <summary>This run's manifest's record of <paramref name="partition"/> committed to <paramref name="output"/> from its current input, or null.</summary>
    public CommittedPartition? Entry(Partition partition, ObjectLocation output) => _manifest.Entry(partition, output);

    /// <summary>Forgets this manifest's partitions that are not part of the run's plan, so that it describes the output as it is.</summary>
    public void KeepOnly(IEnumerable<(Partition Partition, ObjectLocation Output)> planned)
    {
        var ids = planned.Where(p => _manifest.Entry(p.Partition, p.Output) is not null).Select(p => p.Partition.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in _manifest.Partitions.Keys.Where(id => !ids.Contains(id)).ToList())
        {
            _manifest.Partitions.Remove(id);
            // Its record goes with the next claim, not at completion only: a run that fails must not leave it behind.
            if (_records.Remove(CommitRecordFiles.Name(id)))
            {
                _staleRecords.Add(CommitRecordFiles.Name(id));
            }
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
            // Their files are in this manifest now: the other split's records must not be read as current again.
            foreach (var retired in _retired)
            {
                await _store.DeleteIfExistsAsync(_directory.Combine(retired), cancellationToken).ConfigureAwait(false);
            }

            await CommitRecordFiles.DeleteAsync(_store, _directory, _staleRecords, cancellationToken).ConfigureAwait(false);
            _staleRecords.Clear();

            // The output is about to change, so it is no longer complete.
            await _store.DeleteIfExistsAsync(_directory.Combine(SuccessName), cancellationToken).ConfigureAwait(false);
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
    /// Records a committed partition in its own commit record, at once: a crash a moment later loses nothing. A run
    /// whose output a later epoch's run has taken (its manifest says so) is refused before and after the write, and
    /// takes back a record it wrote meanwhile.
    /// </summary>
    public async Task RecordAsync(Partition partition, CommittedPartition entry, CancellationToken cancellationToken)
    {
        entry.Epoch = _writer.Epoch;
        await _writer.ThrowIfTakenOverAsync(cancellationToken).ConfigureAwait(false);
        var record = new CommitRecord
        {
            Job = _manifest.Job, Partition = partition.Id, Manifest = _writer.Name, ConfigHash = _manifest.ConfigHash, ModelHash = _manifest.ModelHash, Entry = entry,
        };
        await CommitRecordFiles.WriteAsync(_store, _directory, record, _manifest.Job, cancellationToken).ConfigureAwait(false);
        try
        {
            await _writer.ThrowIfTakenOverAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OutputLeaseLostException)
        {
            // Written in the moment the output was taken over: the new holder counts only what it read before. Unless
            // the new holder has replaced it with its own meanwhile.
            await CommitRecordFiles.DeleteIfStillAsync(_store, _directory, record, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await AddAsync(partition, entry, CommitRecordFiles.Name(partition.Id), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds a committed partition to the manifest this run writes next, without a record of its own (a cluster's are in its database).</summary>
    public Task FoldAsync(Partition partition, CommittedPartition entry, CancellationToken cancellationToken) => AddAsync(partition, entry, record: null, cancellationToken);

    /// <summary>Folds the partitions committed so far into the manifest (at the end of a run, however it ends).</summary>
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
    /// Records that every partition this run answers for is committed and, when the other shards of the job have
    /// completed the same plan too (or there are none), writes <c>_SUCCESS</c>. Of shards finishing together at least
    /// the last to write its manifest sees them all; a shard that starts meanwhile marks its manifest incomplete before
    /// it deletes <c>_SUCCESS</c>, and the check after writing <c>_SUCCESS</c> takes it back. Returns whether the output is complete.
    /// </summary>
    public async Task<bool> CompleteAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _manifest.Complete = true;
            await WriteAsync(cancellationToken).ConfigureAwait(false);
            // Folded into the manifest just written: the records have nothing more to say.
            await CommitRecordFiles.DeleteAsync(_store, _directory, _records, cancellationToken).ConfigureAwait(false);
            _records.Clear();
            return await SuccessMarker.WriteIfCompleteAsync(_store, _directory.Combine(SuccessName), SiblingsCompleteAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task AddAsync(Partition partition, CommittedPartition entry, string? record, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            entry.Epoch = _writer.Epoch;
            _manifest.Partitions[partition.Id] = entry;
            if (record is not null)
            {
                _records.Add(record);
            }

            _dirty = true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private Task<bool> SiblingsCompleteAsync(CancellationToken cancellationToken) =>
        _shard is null ? Task.FromResult(true) : ManifestFiles.SiblingsCompletedAsync(_store, _directory, _shard, _manifest, cancellationToken);

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        _manifest.Files = _files.Order(StringComparer.Ordinal).ToList();
        await _writer.WriteAsync(_manifest, cancellationToken).ConfigureAwait(false);
        // Files an earlier epoch's run claimed meanwhile are the job's too.
        _files.UnionWith(_manifest.Files);
        _owned.UnionWith(_files);
        _dirty = false;
    }
}
