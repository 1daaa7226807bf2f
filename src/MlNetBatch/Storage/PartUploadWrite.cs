using Microsoft.Extensions.Logging;

namespace MlNetBatch.Storage;

/// <summary>An <see cref="IAtomicObjectWrite"/> over a <see cref="PartUploadStream"/>: committed on request, aborted when disposed without commit.</summary>
public sealed class PartUploadWrite(PartUploadStream stream, ObjectLocation location, ILogger logger) : IAtomicObjectWrite
{
    private bool _finished;

    /// <summary>Starts a write of <paramref name="location"/> through <paramref name="upload"/> in parts of <paramref name="partSize"/> bytes.</summary>
    public PartUploadWrite(IPartUpload upload, ObjectLocation location, int partSize, ILogger logger)
        : this(new PartUploadStream(upload, location, partSize), location, logger)
    {
    }

    /// <inheritdoc />
    public Stream Stream => stream;

    /// <inheritdoc />
    public ObjectLocation Location => location;

    /// <inheritdoc />
    public async Task<ObjectInfo> CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var committed = await stream.CompleteAsync(cancellationToken).ConfigureAwait(false);
        _finished = true;
        return committed;
    }

    /// <inheritdoc />
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
                // Disposal must not hide the failure that led to it; parts never committed cost only storage, which
                // the service drops (Azure) or a lifecycle rule cleans up (S3 AbortIncompleteMultipartUpload).
                logger.LogWarning("Could not abort the upload of {Location}: {Reason}", location, e.Message);
            }
        }

        await stream.DisposeAsync().ConfigureAwait(false);
    }
}
