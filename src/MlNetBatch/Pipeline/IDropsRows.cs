namespace MlNetBatch.Pipeline;

/// <summary>
/// A mapper that may take rows out of its block (a filter, a stage that finds a value it cannot use). Blocks shrink
/// only through this: the engine compacts the block after the mapper ran, keeps each remaining row's id, reports the
/// bad rows to the job's quarantine and counts the filtered ones.
/// </summary>
public interface IDropsRows : IBlockMapper
{
    /// <summary>The rows the last <see cref="IBlockMapper.Map"/> took out.</summary>
    BlockRowDrops Drops { get; }
}
