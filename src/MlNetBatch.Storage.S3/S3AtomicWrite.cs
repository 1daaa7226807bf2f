using Microsoft.Extensions.Logging;

namespace MlNetBatch.Storage.S3;

/// <summary>An object being uploaded: S3 shows nothing under the key until the upload is completed in <see cref="CommitAsync"/>.</summary>
internal sealed class S3AtomicWrite(S3ObjectStore store, ObjectLocation location, S3UploadStream stream, ILogger logger) : IAtomicObjectWrite
{
    private bool _finished;

    public Stream Stream => stream;

    public ObjectLocation Location => location;

    public async Task<ObjectInfo> CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        await stream.CompleteAsync(cancellationToken).ConfigureAwait(false);
        _finished = true;
        return await store.StatAsync(location, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            try
            {
                await stream.AbortAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Disposal must not hide the failure that led to it; an unaborted upload is only billed storage,
                // which a bucket lifecycle rule (AbortIncompleteMultipartUpload) cleans up.
                logger.LogWarning("Could not abort the multipart upload {UploadId} of {Location}: {Reason}", stream.UploadId, location, e.Message);
            }
        }

        await stream.DisposeAsync().ConfigureAwait(false);
    }
}
