using MlNetBatch.Scoring;

namespace MlNetBatch.Pipeline;

/// <summary>
/// A block transform that the scorer can do in its place. When the transform's one output column feeds a model input
/// and nothing else, the scorer builds that input from the transform's own input columns while it packs the tensor.
/// The stage then never runs, and no intermediate column is built. <c>Concatenate</c> is one: it places its columns
/// side by side, which is what packing does.
/// </summary>
public interface ICanFoldIntoModelInput : IBlockTransform
{
    /// <summary>The column the transform writes; a fold removes it from the data.</summary>
    string OutputColumn { get; }

    /// <summary>
    /// Folds the transform into model input <paramref name="input"/>, which reads <see cref="OutputColumn"/> through
    /// the bindings in <paramref name="model"/>. On success it changes <paramref name="model"/> so that the input reads
    /// the transform's input columns, and returns true; the stage must then not run. Returns false, leaving
    /// <paramref name="model"/> unchanged, when this input cannot take the fold.
    /// </summary>
    bool TryFoldInto(ScoreOnnxOptions model, string input);
}
