using System.Runtime.InteropServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace MlNetBatch.Storage.S3;

/// <summary>
/// The S3 calls behind one <see cref="PartUploadStream"/>: the multipart upload is started with the first part, and an
/// object smaller than one part is sent with one PutObject instead.
/// </summary>
internal sealed class S3MultipartUpload(IAmazonS3 client, ObjectLocation location, S3StorageOptions options, S3ErrorTranslator errors, IObjectStore store)
    : IPartUpload
{
    private string? _uploadId;

    public async Task<string> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        _uploadId ??= (await errors.RunAsync(location, () => client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = location.Container, Key = location.Key }, cancellationToken), cancellationToken).ConfigureAwait(false)).UploadId;
        var request = new UploadPartRequest
        {
            BucketName = location.Container,
            Key = location.Key,
            UploadId = _uploadId,
            PartNumber = partNumber,
            PartSize = content.Length,
            InputStream = AsStream(content),
            UseChunkEncoding = options.UseChunkEncoding,
        };
        return (await errors.RunAsync(location, () => client.UploadPartAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false)).ETag;
    }

    public async Task<ObjectInfo> CommitAsync(IReadOnlyList<string> partTags, long length, CancellationToken cancellationToken)
    {
        var request = new CompleteMultipartUploadRequest
        {
            BucketName = location.Container,
            Key = location.Key,
            UploadId = _uploadId,
            PartETags = partTags.Select((tag, index) => new PartETag(index + 1, tag)).ToList(),
        };
        await errors.RunAsync(location, () => client.CompleteMultipartUploadAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        return await store.StatAsync(location, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ObjectInfo> PutWholeAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = location.Container,
            Key = location.Key,
            InputStream = AsStream(content),
            UseChunkEncoding = options.UseChunkEncoding,
        };
        await errors.RunAsync(location, () => client.PutObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        return await store.StatAsync(location, cancellationToken).ConfigureAwait(false);
    }

    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        if (_uploadId is { } uploadId)
        {
            // Aborted so that no parts are billed; failures are logged by the caller.
            await client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = location.Container, Key = location.Key, UploadId = uploadId }, cancellationToken).ConfigureAwait(false);
            _uploadId = null;
        }
    }

    /// <summary>A read-only stream over the pooled part, which the SDK can rewind when it retries.</summary>
    private static MemoryStream AsStream(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
}
