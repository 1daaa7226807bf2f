using System.Text.Json;
using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The output directory's commit record: reads <c>_manifest.json</c> at the start of a run, says which partitions
/// are already done, records each partition as it commits and writes <c>_SUCCESS</c> when all are.
/// </summary>
public sealed class OutputCommitLog
{
    /// <summary>The manifest's file name in the output directory.</summary>
    public const string ManifestName = "_manifest.json";

    /// <summary>The marker written when every partition is committed.</summary>
    public const string SuccessName = "_SUCCESS";

    /// <summary>The longest time a committed partition waits to be recorded in the manifest file.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly IObjectStore _store;
    private readonly ObjectLocation _directory;
    private readonly JobManifest _manifest;
    private readonly HashSet<string> _files;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly System.Diagnostics.Stopwatch _sinceWrite = System.Diagnostics.Stopwatch.StartNew();
    private bool _dirty;

    private OutputCommitLog(IObjectStore store, ObjectLocation directory, JobManifest manifest, HashSet<string> files)
    {
        _store = store;
        _directory = directory;
        _manifest = manifest;
        _files = files;
    }

    /// <summary>Partitions recorded as committed and still valid.</summary>
    public IReadOnlyDictionary<string, CommittedPartition> Committed => _manifest.Partitions;

    /// <summary>
    /// The files (relative to the output directory) that this job wrote or was about to write, by the manifest: the
    /// only files it may delete or overwrite.
    /// </summary>
    public IReadOnlySet<string> OwnedFiles => _files;

    /// <summary>
    /// Opens the record for a run. The previous manifest is kept only when it was written for the same settings
    /// and model and <paramref name="restart"/> is false; otherwise the run starts from scratch.
    /// </summary>
    public static async Task<OutputCommitLog> OpenAsync(
        IObjectStore store, ObjectLocation directory, string job, string settingsHash, string modelHash, bool restart, CancellationToken cancellationToken)
    {
        var fresh = new JobManifest { Job = job, ConfigHash = settingsHash, ModelHash = modelHash };
        // Read even on a restart or a changed job: what an earlier run wrote stays this job's to replace or remove.
        var previous = await ReadAsync(store, directory.Combine(ManifestName), cancellationToken).ConfigureAwait(false);
        if (previous is not null && previous.Job != job)
        {
            // Another job's files are listed there: taking them as this job's would delete that job's output.
            throw new MlNetBatchException(previous.Job.Length == 0
                ? $"the sink directory {directory} holds a {ManifestName} that MlNetBatch did not write; write the output to a directory of its own."
                : $"the sink directory {directory} holds the output of job '{previous.Job}' (its {ManifestName} says so); give job '{job}' a sink directory of its own.");
        }

        var manifest = !restart && previous is not null && previous.ConfigHash == settingsHash && previous.ModelHash == modelHash ? previous : fresh;
        manifest.Complete = false;
        var files = new HashSet<string>(previous?.Files ?? [], StringComparer.Ordinal);
        foreach (var entry in previous?.Partitions.Values ?? Enumerable.Empty<CommittedPartition>())
        {
            // Manifests of version 1 named their files only in the partition entries.
            AddRelative(files, directory, entry.Output);
            AddRelative(files, directory, entry.Quarantine);
        }

        return new OutputCommitLog(store, directory, manifest, files) { HadManifest = previous is not null };
    }

    /// <summary>Whether the directory held this job's manifest when the run began: only then is a <c>_SUCCESS</c> there the job's.</summary>
    public bool HadManifest { get; private init; }

    /// <summary>Whether <paramref name="partition"/> was committed from the same input as it has now, to <paramref name="output"/>.</summary>
    public bool IsCommitted(Partition partition, ObjectLocation output) =>
        _manifest.Partitions.TryGetValue(partition.Id, out var entry)
        && entry.InputSize == partition.File.Size
        && entry.InputETag == partition.File.ETag
        && entry.Output == output.ToString();

    /// <summary>Forgets partitions that are not part of this run's plan, so the manifest describes the output as it is.</summary>
    public void KeepOnly(IEnumerable<(Partition Partition, ObjectLocation Output)> planned)
    {
        var ids = planned.Where(p => IsCommitted(p.Partition, p.Output)).Select(p => p.Partition.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in _manifest.Partitions.Keys.Where(id => !ids.Contains(id)).ToList())
        {
            _manifest.Partitions.Remove(id);
        }
    }

    /// <summary>
    /// Records, in the manifest on storage, that this run may write <paramref name="files"/> (relative to the
    /// output directory): done before any of them is created, so a crash can never leave a file the job cannot
    /// prove it wrote.
    /// </summary>
    public async Task ClaimAsync(IEnumerable<string> files, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _files.UnionWith(files);
            await WriteAsync(cancellationToken).ConfigureAwait(false);
            // The output is about to change, so it is no longer complete.
            await DeleteIfExistsAsync(_store, _directory.Combine(SuccessName), cancellationToken).ConfigureAwait(false);
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

    /// <summary>Marks the output complete: the manifest says so, and <c>_SUCCESS</c> appears.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _manifest.Complete = true;
            await WriteAsync(cancellationToken).ConfigureAwait(false);
            await using var success = await _store.CreateAsync(_directory.Combine(SuccessName), cancellationToken).ConfigureAwait(false);
            await success.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        _manifest.Files = _files.Order(StringComparer.Ordinal).ToList();
        await using var write = await _store.CreateAsync(_directory.Combine(ManifestName), cancellationToken).ConfigureAwait(false);
        await JsonSerializer.SerializeAsync(write.Stream, _manifest, Json, cancellationToken).ConfigureAwait(false);
        await write.CommitAsync(cancellationToken).ConfigureAwait(false);
        _dirty = false;
        _sinceWrite.Restart();
    }

    private static async Task<JobManifest?> ReadAsync(IObjectStore store, ObjectLocation location, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await store.OpenReadAsync(location, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<JobManifest>(stream, Json, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (JsonException e)
        {
            // The manifest is the only proof of which files the job wrote; guessing could delete somebody's file.
            throw new MlNetBatchException(
                $"the manifest {location} cannot be read ({e.Message}); it lists the files the job wrote. Restore it, or move the directory's files elsewhere and delete it.", e);
        }
    }

    private static void AddRelative(HashSet<string> files, ObjectLocation directory, string? location)
    {
        var prefix = directory.ToString().TrimEnd('/') + "/";
        if (location is not null && location.StartsWith(prefix, StringComparison.Ordinal))
        {
            files.Add(location[prefix.Length..]);
        }
    }

    private static async Task DeleteIfExistsAsync(IObjectStore store, ObjectLocation location, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeleteAsync(location, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
        }
    }
}
