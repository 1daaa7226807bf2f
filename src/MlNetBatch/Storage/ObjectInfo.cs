namespace MlNetBatch.Storage;

/// <summary>An object's location with the identity that tells whether it changed: size and version tag.</summary>
/// <param name="Location">Where the object is.</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="ETag">A version tag: the store's ETag, or for local files the last-write time.</param>
/// <param name="LastModified">When the object was last written.</param>
public sealed record ObjectInfo(ObjectLocation Location, long Size, string ETag, DateTimeOffset LastModified);
