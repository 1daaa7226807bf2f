using MlNetBatch.Storage;

namespace MlNetBatch.Data;

/// <summary>How a partition cuts its file.</summary>
public enum PartitionKind
{
    /// <summary>A range of Parquet row groups: <see cref="Partition.Start"/> is the first group, <see cref="Partition.Length"/> their count.</summary>
    RowGroups,

    /// <summary>A byte range of a line-oriented file; a row belongs to the range its first byte lies in.</summary>
    ByteRange,

    /// <summary>A whole file.</summary>
    WholeFile,

    /// <summary>
    /// A run of whole files, one row each (an image source): <see cref="Partition.Start"/> is the first file's place in
    /// the listing, <see cref="Partition.Length"/> the number of files, and <see cref="Partition.Files"/> lists them.
    /// </summary>
    Files,
}

/// <summary>
/// An independently readable piece of a source: the unit of parallelism, of output files and (later) of commits.
/// Its <see cref="Id"/> is stable as long as the input files do not change.
/// </summary>
/// <param name="Ordinal">Position of the partition in the planned source, from zero.</param>
/// <param name="Id">A stable identifier such as <c>data/a.parquet#rowgroups=0-1</c>.</param>
/// <param name="File">The file the partition reads; for a run of files, the run's version (see <see cref="Files"/>).</param>
/// <param name="Kind">How the file is cut.</param>
/// <param name="Start">First row group, or first byte.</param>
/// <param name="Length">Number of row groups, or of bytes.</param>
/// <param name="RowCount">Rows in the partition when the format knows it before reading (Parquet).</param>
/// <param name="OutputName">A file-name-safe stem for this partition's output file.</param>
public sealed record Partition(
    int Ordinal,
    string Id,
    ObjectInfo File,
    PartitionKind Kind,
    long Start,
    long Length,
    long? RowCount,
    string OutputName)
{
    /// <summary>
    /// For a <see cref="PartitionKind.Files"/> partition, its files in listing order, which are what reading opens;
    /// otherwise empty. There <see cref="File"/> has the first file's location but the version of the whole run
    /// (total size, a tag over every file), so that a commit covers every file.
    /// </summary>
    public IReadOnlyList<ObjectInfo> Files { get; init; } = [];
}
