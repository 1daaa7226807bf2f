using System.Text.Json;
using MlNetBatch.Storage;

namespace MlNetBatch.Data;

/// <summary>A source's listed files as JSON: stored with a cluster run, so that every node reads exactly the files its planner listed.</summary>
internal static class SourceListing
{
    /// <summary>The files, each by location, size, version tag and modification time.</summary>
    public static string ToJson(IEnumerable<ObjectInfo> files) =>
        JsonSerializer.Serialize(files.Select(f => new Entry(f.Location.ToString(), f.Size, f.ETag, f.LastModified)));

    /// <summary>The files <see cref="ToJson"/> wrote; a body that is no listing throws <see cref="JsonException"/>.</summary>
    public static IReadOnlyList<ObjectInfo> FromJson(string json) =>
        (JsonSerializer.Deserialize<List<Entry>>(json) ?? throw new JsonException("it is empty"))
            .Select(e => new ObjectInfo(ObjectLocation.Parse(e.Location), e.Size, e.ETag, e.LastModified)).ToList();

    private sealed record Entry(string Location, long Size, string ETag, DateTimeOffset LastModified);
}
