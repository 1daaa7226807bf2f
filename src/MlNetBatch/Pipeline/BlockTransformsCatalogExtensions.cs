using Microsoft.ML;
using MlNetBatch.Pipeline.Stages;

namespace MlNetBatch.Pipeline;

/// <summary>The <c>mlContext.Transforms.ApplyBlockTransform(...)</c> entry points.</summary>
public static class BlockTransformsCatalogExtensions
{
    /// <summary>
    /// Applies <paramref name="transform"/> a whole block at a time, on a pool of worker threads that overlaps
    /// whatever reads the result. Rows keep their input order unless <see cref="BlockStageOptions.PreserveOrder"/> is off.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="transform">The block transform.</param>
    /// <param name="options">The worker pool and in-flight bound; optional.</param>
    public static BlockTransformEstimator ApplyBlockTransform(this TransformsCatalog catalog, IBlockTransform transform, BlockStageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new BlockTransformEstimator(transform, options ?? new BlockStageOptions());
    }

    /// <summary>
    /// ML.NET's <c>Concatenate</c> as a block stage: the same values, without a vector per row. Numeric and boolean
    /// columns of one type only; slot names are not carried.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create.</param>
    /// <param name="inputColumnNames">The columns to join, in order.</param>
    public static BlockTransformEstimator ConcatenateBlocks(this TransformsCatalog catalog, string outputColumnName, params string[] inputColumnNames) =>
        catalog.ApplyBlockTransform(new ConcatenateBlockTransform(outputColumnName, inputColumnNames));
}
