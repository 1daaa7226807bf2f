using MlNetBatch.Jobs;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>The tabular block transforms a job names in its <c>Preprocess</c> steps, registered with their validation.</summary>
public static class TabularTransforms
{
    /// <summary>Registers <c>OneHotEncoding</c>, <c>MapValueToKey</c>, <c>Hashing</c>, <c>ReplaceMissingValues</c>, <c>DateTimeParts</c> and <c>Filter</c>.</summary>
    public static void RegisterTo(BlockTransformRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(new BlockTransformRegistration(
            "OneHotEncoding",
            step => new OneHotEncodingBlockTransform(step.OutputColumn!, step.InputColumns[0], Vocabulary(step), MaximumKeys(step)),
            TabularStepValidator.KeyMapping));
        registry.Register(new BlockTransformRegistration(
            "MapValueToKey",
            step => new MapValueToKeyBlockTransform(step.OutputColumn!, step.InputColumns[0], Vocabulary(step), MaximumKeys(step)),
            TabularStepValidator.KeyMapping));
        registry.Register(new BlockTransformRegistration(
            "Hashing",
            step => new HashingBlockTransform(step.OutputColumn!, step.InputColumns[0], step.NumberOfBits ?? HashingBlockTransform.DefaultNumberOfBits, step.Seed ?? HashingBlockTransform.DefaultSeed),
            TabularStepValidator.Hashing));
        registry.Register(new BlockTransformRegistration(
            "ReplaceMissingValues",
            step => new ReplaceMissingValuesBlockTransform(step.OutputColumn ?? step.InputColumns[0], step.InputColumns[0], step.Replacement ?? MissingValueReplacement.DefaultValue, step.ReplacementValue),
            TabularStepValidator.ReplaceMissingValues));
        registry.Register(new BlockTransformRegistration(
            "DateTimeParts",
            step => new DateTimePartsBlockTransform(step.OutputColumn!, step.InputColumns[0], step.Parts!, step.Format, step.TimeZone),
            TabularStepValidator.DateTimeParts));
        registry.Register(new BlockTransformRegistration(
            "Filter",
            step => new FilterBlockTransform(step.InputColumns[0], step.LowerBound ?? double.NegativeInfinity, step.UpperBound ?? double.PositiveInfinity),
            TabularStepValidator.Filter));
    }

    private static KeyVocabulary? Vocabulary(PreprocessStep step) => step.Vocabulary is { } terms ? new KeyVocabulary(terms) : null;

    private static int MaximumKeys(PreprocessStep step) => step.MaximumKeys ?? KeyVocabulary.DefaultMaximumKeys;
}
