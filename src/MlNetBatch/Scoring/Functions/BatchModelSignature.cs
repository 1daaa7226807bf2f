namespace MlNetBatch.Scoring.Functions;

/// <summary>What a batch model reads and writes.</summary>
/// <param name="Inputs">The columns it reads.</param>
/// <param name="Outputs">The columns it writes, in the order they are added.</param>
public sealed record BatchModelSignature(IReadOnlyList<BatchModelColumn> Inputs, IReadOnlyList<BatchModelColumn> Outputs);
