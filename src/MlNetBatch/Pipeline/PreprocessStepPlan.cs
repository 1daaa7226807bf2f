namespace MlNetBatch.Pipeline;

/// <summary>One preprocessing step of a job's plan: which path it takes, and why.</summary>
/// <param name="Index">The step's position in the job's <c>Preprocess</c> list.</param>
/// <param name="Transform">The step's transform name.</param>
/// <param name="Path">The path it takes.</param>
/// <param name="Reason">Why, in a few words (say, why a block transform fell back to the row path).</param>
public sealed record PreprocessStepPlan(int Index, string Transform, PreprocessPath Path, string Reason)
{
    /// <summary>
    /// The model input a block stage is folded into (see <see cref="ICanFoldIntoModelInput"/>): the scorer does its
    /// work while packing that input, so the stage never runs. Null when the step runs.
    /// </summary>
    public string? FoldedIntoModelInput { get; init; }

    /// <summary>What the step's block transform learned at plan time (<see cref="IFittedBlockTransform"/>); null when it learned nothing.</summary>
    public string? FittedState { get; init; }

    /// <summary>
    /// One line for <c>plan</c>: <c>Preprocess:0 Concatenate: block (…)</c>, or
    /// <c>Preprocess:0 Concatenate: block, folded into model input 'features' (…)</c>.
    /// </summary>
    public override string ToString()
    {
        var path = Path == PreprocessPath.Row ? "row" : "block";
        var folded = FoldedIntoModelInput is { } input ? $", folded into model input '{input}'" : string.Empty;
        return $"Preprocess:{Index} {Transform}: {path}{folded} ({Reason})";
    }
}
