using MlNetBatch.Jobs;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// Checks a job's step for a tabular stage: the columns it needs, its own settings, and no setting that belongs to
/// another transform (which would otherwise be ignored). Each message starts with the setting it is about.
/// </summary>
internal static class TabularStepValidator
{
    public static IEnumerable<string> KeyMapping(PreprocessStep step) =>
        OneInput(step, outputRequired: true)
            .Concat(Unused(step, nameof(PreprocessStep.Vocabulary), nameof(PreprocessStep.MaximumKeys)))
            .Concat(VocabularyProblems(step));

    public static IEnumerable<string> Hashing(PreprocessStep step)
    {
        foreach (var problem in OneInput(step, outputRequired: true).Concat(Unused(step, nameof(PreprocessStep.NumberOfBits), nameof(PreprocessStep.Seed))))
        {
            yield return problem;
        }

        if (step.NumberOfBits is < 1 or > 31)
        {
            yield return $"NumberOfBits: must be from 1 to 31 (got {step.NumberOfBits}).";
        }
    }

    public static IEnumerable<string> ReplaceMissingValues(PreprocessStep step)
    {
        foreach (var problem in OneInput(step, outputRequired: false).Concat(Unused(step, nameof(PreprocessStep.Replacement), nameof(PreprocessStep.ReplacementValue))))
        {
            yield return problem;
        }

        if (step.Replacement == MissingValueReplacement.Constant && step.ReplacementValue is null)
        {
            yield return "ReplacementValue: the Constant replacement needs the constant.";
        }

        if (step.Replacement != MissingValueReplacement.Constant && step.ReplacementValue is not null)
        {
            yield return $"ReplacementValue: only the Constant replacement takes a value (Replacement is {step.Replacement?.ToString() ?? "DefaultValue, the default"}).";
        }

        if (step.ReplacementValue is double.NaN)
        {
            yield return "ReplacementValue: NaN would leave the values missing.";
        }
    }

    public static IEnumerable<string> DateTimeParts(PreprocessStep step)
    {
        foreach (var problem in OneInput(step, outputRequired: true).Concat(Unused(step, nameof(PreprocessStep.Format), nameof(PreprocessStep.TimeZone), nameof(PreprocessStep.Parts))))
        {
            yield return problem;
        }

        if (step.Parts is not { Count: > 0 })
        {
            yield return $"Parts: list at least one of {string.Join(", ", Enum.GetNames<DateTimePart>())}.";
        }

        if (step.Format is { } format && string.IsNullOrWhiteSpace(format))
        {
            yield return "Format: must not be empty.";
        }

        string? zoneProblem = null;
        if (step.TimeZone is { } zone)
        {
            try
            {
                DateTimePartsBlockTransform.FindTimeZone(zone);
            }
            catch (BlockTransformException e)
            {
                zoneProblem = $"TimeZone: {e.Message}";
            }
        }

        if (zoneProblem is not null)
        {
            yield return zoneProblem;
        }
    }

    public static IEnumerable<string> Filter(PreprocessStep step)
    {
        foreach (var problem in Unused(step, nameof(PreprocessStep.LowerBound), nameof(PreprocessStep.UpperBound)))
        {
            yield return problem;
        }

        if (step.InputColumns.Count != 1)
        {
            yield return $"InputColumns: Filter tests exactly one column; it lists {step.InputColumns.Count}.";
        }

        if (step.OutputColumn is not null)
        {
            yield return "OutputColumn: Filter adds no column; remove it.";
        }

        if (step.LowerBound is null && step.UpperBound is null)
        {
            yield return "LowerBound, UpperBound: give at least one bound; the rows kept are those with LowerBound <= value < UpperBound.";
        }
        else if ((step.LowerBound ?? double.NegativeInfinity) >= (step.UpperBound ?? double.PositiveInfinity))
        {
            yield return $"LowerBound: must be less than UpperBound (got {step.LowerBound} and {step.UpperBound}).";
        }
    }

    private static IEnumerable<string> OneInput(PreprocessStep step, bool outputRequired)
    {
        if (step.InputColumns.Count != 1)
        {
            yield return $"InputColumns: {step.Transform} reads exactly one column; it lists {step.InputColumns.Count}. Use one step per column.";
        }
        else if (string.IsNullOrWhiteSpace(step.InputColumns[0]))
        {
            yield return "InputColumns:0: must name a column.";
        }

        if (outputRequired && string.IsNullOrWhiteSpace(step.OutputColumn))
        {
            yield return $"OutputColumn: {step.Transform} needs the name of the column it creates.";
        }
    }

    /// <summary>Settings given that <paramref name="step"/>'s transform does not take.</summary>
    private static IEnumerable<string> Unused(PreprocessStep step, params string[] taken)
    {
        foreach (var setting in step.StageSettingsGiven().Where(s => !taken.Contains(s)))
        {
            yield return $"{setting}: {step.Transform} does not take this setting; remove it.";
        }
    }

    private static IEnumerable<string> VocabularyProblems(PreprocessStep step)
    {
        if (step.MaximumKeys is < 1)
        {
            yield return $"MaximumKeys: must be greater than zero (got {step.MaximumKeys}).";
        }

        if (step.Vocabulary is not { } vocabulary)
        {
            yield break;
        }

        if (vocabulary.Count == 0)
        {
            yield return "Vocabulary: lists no terms; omit it to learn the vocabulary from the data.";
        }

        if (step.MaximumKeys is not null)
        {
            yield return "MaximumKeys: bounds a learned vocabulary; a given Vocabulary takes none.";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Count; i++)
        {
            if (string.IsNullOrEmpty(vocabulary[i]))
            {
                yield return $"Vocabulary:{i}: an empty term is a missing value, which always maps to key 0.";
            }
            else if (!seen.Add(vocabulary[i]))
            {
                yield return $"Vocabulary:{i}: '{vocabulary[i]}' is listed twice.";
            }
        }
    }
}
