using Microsoft.ML;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// The tabular block stages in code, beside the stock transforms they mirror: <c>mlContext.Transforms.Categorical.OneHotEncodingBlocks(...)</c>,
/// <c>mlContext.Transforms.Conversion.MapValueToKeyBlocks(...)</c>, and so on. Each gives the stock transform's values.
/// </summary>
public static class TabularCatalogExtensions
{
    /// <summary>ML.NET's <c>OneHotEncoding</c> (indicator output) as a block stage; the vocabulary is learned at fit time unless given.</summary>
    public static BlockTransformEstimator OneHotEncodingBlocks(this TransformsCatalog.CategoricalTransforms catalog, string outputColumnName, string? inputColumnName = null, IReadOnlyList<string>? vocabulary = null, int maximumKeys = KeyVocabulary.DefaultMaximumKeys)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Estimator(new OneHotEncodingBlockTransform(outputColumnName, inputColumnName ?? outputColumnName, Terms(vocabulary), maximumKeys));
    }

    /// <summary>ML.NET's <c>MapValueToKey</c> as a block stage; the vocabulary is learned at fit time unless given.</summary>
    public static BlockTransformEstimator MapValueToKeyBlocks(this TransformsCatalog.ConversionTransforms catalog, string outputColumnName, string? inputColumnName = null, IReadOnlyList<string>? vocabulary = null, int maximumKeys = KeyVocabulary.DefaultMaximumKeys)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Estimator(new MapValueToKeyBlockTransform(outputColumnName, inputColumnName ?? outputColumnName, Terms(vocabulary), maximumKeys));
    }

    /// <summary>ML.NET's <c>Hash</c> of a text, float or double column as a block stage.</summary>
    public static BlockTransformEstimator HashBlocks(this TransformsCatalog.ConversionTransforms catalog, string outputColumnName, string? inputColumnName = null, int numberOfBits = HashingBlockTransform.DefaultNumberOfBits, uint seed = HashingBlockTransform.DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Estimator(new HashingBlockTransform(outputColumnName, inputColumnName ?? outputColumnName, numberOfBits, seed));
    }

    /// <summary>ML.NET's <c>ReplaceMissingValues</c> of a float or double column as a block stage, or a constant replacement.</summary>
    public static BlockTransformEstimator ReplaceMissingValuesBlocks(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null, MissingValueReplacement replacement = MissingValueReplacement.DefaultValue, double? constant = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Estimator(new ReplaceMissingValuesBlockTransform(outputColumnName, inputColumnName ?? outputColumnName, replacement, constant));
    }

    /// <summary>Calendar parts of a timestamp column, each into a column <c>{prefix}_{part}</c>; see <see cref="DateTimePartsBlockTransform"/>.</summary>
    public static BlockTransformEstimator DateTimeParts(this TransformsCatalog catalog, string outputColumnPrefix, string inputColumnName, IReadOnlyList<DateTimePart> parts, string? format = null, string? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Estimator(new DateTimePartsBlockTransform(outputColumnPrefix, inputColumnName, parts, format, timeZone));
    }

    /// <summary>ML.NET's <c>FilterRowsByColumn</c> as a block stage: keeps rows with <c>lowerBound &lt;= value &lt; upperBound</c>.</summary>
    public static BlockTransformEstimator FilterRowsByColumnBlocks(this TransformsCatalog catalog, string columnName, double lowerBound = double.NegativeInfinity, double upperBound = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Estimator(new FilterBlockTransform(columnName, lowerBound, upperBound));
    }

    private static BlockTransformEstimator Estimator(IBlockTransform transform) => new(transform, new BlockStageOptions());

    private static KeyVocabulary? Terms(IReadOnlyList<string>? vocabulary) => vocabulary is null ? null : new KeyVocabulary(vocabulary);
}
