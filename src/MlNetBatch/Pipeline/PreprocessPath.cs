namespace MlNetBatch.Pipeline;

/// <summary>How a job runs one of its preprocessing steps.</summary>
public enum PreprocessPath
{
    /// <summary>
    /// A block stage: whole column blocks on the worker pool (or inline, in partition-per-core mode), or folded into
    /// the model's input when <see cref="PreprocessStepPlan.FoldedIntoModelInput"/> says so.
    /// </summary>
    Block,

    /// <summary>A stock ML.NET transform, row by row through getters.</summary>
    Row,
}
