using Microsoft.ML;

namespace MlNetBatch.Pipeline.Stages.Text;

/// <summary>The <c>mlContext.Transforms.Text.TokenizeToIds(...)</c> entry point.</summary>
public static class TokenizeCatalogExtensions
{
    /// <summary>
    /// Tokenizes <paramref name="inputColumnName"/> for a transformer model as a block stage: token ids in
    /// <paramref name="outputColumnName"/>, plus the attention mask and token-type columns <paramref name="settings"/>
    /// name, each a variable-length int64 (or int32) vector per row.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The token-id column to create, such as <c>input_ids</c>.</param>
    /// <param name="inputColumnName">The text column.</param>
    /// <param name="settings">The tokenizer, its files and the longest sequence.</param>
    /// <param name="options">The stage's worker pool and in-flight bound; optional.</param>
    public static BlockTransformEstimator TokenizeToIds(
        this TransformsCatalog.TextTransforms catalog, string outputColumnName, string inputColumnName, TokenizerSettings settings, BlockStageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new BlockTransformEstimator(new TokenizeBlockTransform(outputColumnName, inputColumnName, settings), options ?? new BlockStageOptions());
    }
}
