namespace MlNetBatch.Storage.Gcs;

/// <summary>
/// An object being written: its bytes are spooled to a local file, and sent as one resumable upload on
/// <see cref="CommitAsync"/>. Cloud Storage shows nothing under the name until that upload finishes, and an
/// uncommitted write never reaches the service at all.
/// </summary>
/// <remarks>
/// Spooling rather than streaming the upload keeps a failed or cancelled job from leaving half-sent sessions behind,
/// and lets the upload be retried from any offset; the price is local disk for the largest output object.
/// </remarks>
internal sealed class GcsAtomicWrite : IAtomicObjectWrite
{
    private readonly GcsObjectStore _store;
    private readonly long? _ifGenerationMatch;
    private readonly FileStream _spool;
    private bool _finished;

    public GcsAtomicWrite(GcsObjectStore store, ObjectLocation location, long? ifGenerationMatch, string? spoolDirectory)
    {
        _store = store;
        _ifGenerationMatch = ifGenerationMatch;
        Location = location;
        var folder = spoolDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"mlnetbatch-gcs-{Guid.NewGuid():N}.spool");
        _spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
    }

    public Stream Stream => _spool;

    public ObjectLocation Location { get; }

    public async Task<ObjectInfo> CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        await _spool.FlushAsync(cancellationToken).ConfigureAwait(false);
        _spool.Position = 0;
        return await _store.UploadAsync(Location, _spool, _ifGenerationMatch, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _finished = true;
        try
        {
            await _spool.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            _store.SpoolNotRemoved(e, _spool.Name);
        }
    }
}
