using MlNetBatch.Jobs;

namespace MlNetBatch.Pipeline;

/// <summary>A block transform a job's <see cref="PreprocessStep"/> can name: how to build it from the step, and how to check the step.</summary>
/// <param name="Name">The name a step's <c>Transform</c> gives (case-insensitive).</param>
/// <param name="Create">Builds the transform from a valid step.</param>
/// <param name="Validate">Problems with a step's settings, one message each; none when omitted.</param>
public sealed record BlockTransformRegistration(
    string Name,
    Func<PreprocessStep, IBlockTransform> Create,
    Func<PreprocessStep, IEnumerable<string>>? Validate = null);
