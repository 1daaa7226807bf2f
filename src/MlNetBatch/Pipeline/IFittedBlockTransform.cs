namespace MlNetBatch.Pipeline;

/// <summary>
/// A block transform that learned something at plan time (a vocabulary, a mean). Its <see cref="FittedState"/> goes
/// into the job's settings hash, so that output written with a different vocabulary is scored again.
/// </summary>
public interface IFittedBlockTransform : IBlockTransform
{
    /// <summary>A stable text of what was learned: equal for equal fits, different when anything learned differs.</summary>
    string FittedState { get; }
}
