namespace MlNetBatch.Storage;

/// <summary>
/// What a remote store supplies so that <see cref="PartUploadStream"/> can write one object: parts (S3 multipart parts,
/// Azure staged blocks) that stay invisible until <see cref="CommitAsync"/> publishes them whole.
/// </summary>
/// <remarks>Calls never overlap: the stream uploads one part at a time, in order, then commits or aborts.</remarks>
public interface IPartUpload
{
    /// <summary>Uploads part <paramref name="partNumber"/> (from 1) and returns the tag the commit needs for it.</summary>
    Task<string> UploadPartAsync(int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Publishes the uploaded parts, in order, as the object of <paramref name="length"/> bytes.</summary>
    Task<ObjectInfo> CommitAsync(IReadOnlyList<string> partTags, long length, CancellationToken cancellationToken);

    /// <summary>Writes an object smaller than one part with a single request, when no part was uploaded.</summary>
    Task<ObjectInfo> PutWholeAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Abandons the parts uploaded so far; nothing becomes visible.</summary>
    Task AbortAsync(CancellationToken cancellationToken);
}
