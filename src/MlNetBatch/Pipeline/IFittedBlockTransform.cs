using System.Text.Json.Nodes;

namespace MlNetBatch.Pipeline;

/// <summary>
/// A block transform that learned something at plan time (a vocabulary, a mean). Its <see cref="FittedState"/> goes
/// into the job's settings hash, so that output written with a different vocabulary is scored again.
/// </summary>
public interface IFittedBlockTransform : IBlockTransform
{
    /// <summary>A stable text of what was learned: equal for equal fits, different when anything learned differs.</summary>
    string FittedState { get; }

    /// <summary>What the transform learned from data, to store (<see cref="FittedPreprocessing"/>); null when it learned nothing.</summary>
    JsonNode? SaveFit() => null;

    /// <summary>This transform with the fit <see cref="SaveFit"/> returned, so that <see cref="IBlockTransform.Fit"/> keeps it rather than learning again.</summary>
    IBlockTransform LoadFit(JsonNode fit) => this;
}
