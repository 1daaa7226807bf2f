using MlNetBatch.Storage;

namespace MlNetBatch.Formats;

/// <summary>
/// A format that reads one row per file (images): its partitions are runs of whole files in listing order
/// (<see cref="Data.PartitionKind.Files"/>), cut by <see cref="Data.DataSourceOptions.FilesPerPartition"/>, rather
/// than pieces of one file, so <see cref="IDataFormat.PlanAsync"/> is not called.
/// </summary>
public interface IFileSetFormat : IDataFormat
{
    /// <summary>Whether a listed file belongs to the source (an image format leaves out the other files of a folder).</summary>
    bool Includes(ObjectInfo file);
}
