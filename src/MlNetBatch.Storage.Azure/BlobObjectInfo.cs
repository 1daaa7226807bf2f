using Azure;
using Azure.Storage.Blobs.Models;

namespace MlNetBatch.Storage.Azure;

/// <summary>Builds <see cref="ObjectInfo"/> from the SDK's blob descriptions, with one spelling of the ETag.</summary>
internal static class BlobObjectInfo
{
    /// <summary>From a listing entry.</summary>
    public static ObjectInfo From(ObjectLocation location, BlobItem item) => new(
        location,
        item.Properties.ContentLength ?? 0,
        Normalize(item.Properties.ETag),
        item.Properties.LastModified ?? DateTimeOffset.MinValue);

    /// <summary>From a blob's properties (HEAD).</summary>
    public static ObjectInfo From(ObjectLocation location, BlobProperties properties) =>
        new(location, properties.ContentLength, Normalize(properties.ETag), properties.LastModified);

    /// <summary>
    /// The ETag in quotes. Listings return it bare and response headers quoted; comparing the two as text must not
    /// report a change that did not happen.
    /// </summary>
    public static string Normalize(ETag? etag)
    {
        var text = etag?.ToString() ?? string.Empty;
        return text.Length == 0 || text.StartsWith('"') || text.StartsWith("W/", StringComparison.Ordinal) ? text : $"\"{text}\"";
    }
}
