namespace MlNetBatch.Storage;

/// <summary>
/// A local write: data goes to a temporary file, flushed to disk and renamed over the final name on commit;
/// disposed without a commit, the temporary file is removed whatever failed before.
/// </summary>
internal sealed class LocalAtomicWrite(ObjectLocation location, string temporaryPath, LocalWriteStream stream) : IAtomicObjectWrite
{
    private bool _committed;

    public Stream Stream => stream;

    public ObjectLocation Location => location;

    public async Task<ObjectInfo> CommitAsync(CancellationToken cancellationToken = default)
    {
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        // Data must be on disk before the rename makes it visible, or a power cut could publish a torn file.
        stream.FlushToDisk();
        await stream.DisposeAsync().ConfigureAwait(false);
        if (!location.Name.StartsWith('_') && !location.Key.Contains("/_", StringComparison.Ordinal))
        {
            // Data files only: the job's own bookkeeping (_manifest.json, _lease.json, _quarantine/) has no crash point.
            Jobs.Observation.JobObserver.Reach(Jobs.Observation.JobPoint.BeforeOutputRename);
        }
        File.Move(temporaryPath, location.LocalPath, overwrite: true);
        _committed = true;
        return LocalObjectStore.Describe(new FileInfo(location.LocalPath));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Closing flushes what is buffered, which fails again on a full disk: the file must go all the same.
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (!_committed && e is IOException or StorageException)
        {
        }
        finally
        {
            if (!_committed)
            {
                File.Delete(temporaryPath);
            }
        }
    }
}
