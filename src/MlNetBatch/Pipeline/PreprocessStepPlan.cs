namespace MlNetBatch.Pipeline;

/// <summary>One preprocessing step of a job's plan: which path it takes, and why.</summary>
/// <param name="Index">The step's position in the job's <c>Preprocess</c> list.</param>
/// <param name="Transform">The step's transform name.</param>
/// <param name="Path">The path it takes.</param>
/// <param name="Reason">Why, in a few words (say, why a block transform fell back to the row path).</param>
public sealed record PreprocessStepPlan(int Index, string Transform, PreprocessPath Path, string Reason)
{
    /// <summary>One line for <c>plan</c>: <c>Preprocess:0 Concatenate: block (…)</c>.</summary>
    public override string ToString() => $"Preprocess:{Index} {Transform}: {Path switch
    {
        PreprocessPath.Block => "block",
        PreprocessPath.Row => "row",
        _ => "fused into the model's input",
    }} ({Reason})";
}
