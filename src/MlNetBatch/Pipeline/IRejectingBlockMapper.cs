namespace MlNetBatch.Pipeline;

/// <summary>
/// A mapper that may find rows it cannot map (an undecodable image) and says so instead of failing the block. The stage
/// sets those rows aside: each goes to the job's quarantine, under its bad-record limits, and the rest of the block
/// flows on; without a quarantine (strict mode, or a pipeline in code) the first such row fails the block.
/// </summary>
public interface IRejectingBlockMapper : IBlockMapper
{
    /// <summary>The rows of the last <see cref="IBlockMapper.Map"/> call that could not be mapped, in row order; empty when all were.</summary>
    IReadOnlyList<RejectedRow> Rejected { get; }
}
