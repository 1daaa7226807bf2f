using MlNetBatch.Storage;

namespace MlNetBatch.Data;

/// <summary>
/// Cuts the files of a one-row-per-file source into partitions of <see cref="DataSourceOptions.FilesPerPartition"/>
/// files in listing order. A partition's id names its first file and its place in the listing
/// (<c>cats/001.jpg#files=0-255</c>), so ids stay the same while the listing does. Its <see cref="Partition.File"/>
/// carries the version of the whole run (<see cref="FileSetVersion"/>), not of its first file alone, so that a file
/// deleted, added or rewritten in the middle of a run makes a rerun score the partition again.
/// </summary>
internal static class FileSetPartitioner
{
    /// <summary>The partitions of <paramref name="files"/>; <paramref name="relatives"/> are their names below the common folder.</summary>
    public static List<Partition> Plan(IReadOnlyList<ObjectInfo> files, IReadOnlyList<string> relatives, int filesPerPartition)
    {
        var partitions = new List<Partition>();
        var start = 0;
        while (start < files.Count)
        {
            var end = start + 1;
            // One partition reads through one store: a listing that crosses buckets or hosts starts a new partition there.
            while (end < files.Count && end - start < filesPerPartition && SameStore(files[start].Location, files[end].Location))
            {
                end++;
            }

            var id = $"{relatives[start]}#files={start}-{end - 1}";
            var version = FileSetVersion.Of(files, relatives, start, end - start);
            partitions.Add(new Partition(partitions.Count, id, version, PartitionKind.Files, start, end - start, end - start,
                PartitionOutputNames.ForChunk(PartitionOutputNames.StemFor(relatives[start]), start / filesPerPartition))
            {
                Files = files.Skip(start).Take(end - start).ToArray(),
            });
            start = end;
        }

        return partitions;
    }

    private static bool SameStore(ObjectLocation a, ObjectLocation b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(a.Container, b.Container, StringComparison.Ordinal);
}
