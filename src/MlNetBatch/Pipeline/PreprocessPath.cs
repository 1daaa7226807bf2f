namespace MlNetBatch.Pipeline;

/// <summary>How a job runs one of its preprocessing steps.</summary>
public enum PreprocessPath
{
    /// <summary>A block stage: whole column blocks on the worker pool (or inline, in partition-per-core mode).</summary>
    Block,

    /// <summary>A stock ML.NET transform, row by row through getters.</summary>
    Row,

    /// <summary>Folded into the model's input packing: the scorer packs the columns straight into the input tensor.</summary>
    FusedIntoModel,
}
