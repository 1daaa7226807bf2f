using MlNetBatch.Scoring;

namespace MlNetBatch.Jobs.Models;

/// <summary>
/// A job's <c>Model</c> section: the ONNX settings of <see cref="ScoreOnnxOptions"/>, plus which kind of model it is.
/// A section without <see cref="Kind"/> is an ONNX model, as every job was before kinds existed.
/// </summary>
public sealed class ModelDefinition : ScoreOnnxOptions
{
    /// <summary>How the rows are scored.</summary>
    /// <value>The default is <see cref="ModelKind.Onnx"/>.</value>
    public ModelKind Kind { get; set; } = ModelKind.Onnx;

    /// <summary>For <see cref="ModelKind.Function"/>: the name the batch model was registered under.</summary>
    public string? Name { get; set; }
}
