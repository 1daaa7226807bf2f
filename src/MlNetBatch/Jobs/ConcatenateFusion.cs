using MlNetBatch.Scoring;

namespace MlNetBatch.Jobs;

/// <summary>
/// Folds a preprocessing <c>Concatenate</c> whose result only feeds the model into the model's input binding
/// (<see cref="ScoreOnnxOptions.ConcatenatedInputs"/>), so the scorer packs the columns straight into the input
/// tensor instead of ML.NET building a vector per row. The output is identical; only the intermediate column
/// disappears, so a step is folded only when nothing else reads that column.
/// </summary>
public static class ConcatenateFusion
{
    /// <summary>The steps that remain and the model options with the folded inputs.</summary>
    public static (List<PreprocessStep> Steps, ScoreOnnxOptions Model, List<string> FusedInputs) Apply(
        IReadOnlyList<PreprocessStep> steps, ScoreOnnxOptions model, IReadOnlyCollection<string> modelInputs, IReadOnlyCollection<string> sinkColumns)
    {
        var remaining = steps.ToList();
        var options = model.Clone();
        var fused = new List<string>();
        for (var i = remaining.Count - 1; i >= 0; i--)
        {
            var step = remaining[i];
            if (!step.Transform.Equals("Concatenate", StringComparison.OrdinalIgnoreCase) || step.OutputColumn is not { } output)
            {
                continue;
            }

            var input = ModelInputReading(output, options, modelInputs);
            if (input is null || sinkColumns.Contains(output) || !NothingLaterInterferes(remaining, i, step))
            {
                continue;
            }

            options.InputColumns.Remove(input);
            options.ConcatenatedInputs[input] = step.InputColumns.ToList();
            remaining.RemoveAt(i);
            fused.Add(input);
        }

        return (remaining, options, fused);
    }

    private static string? ModelInputReading(string column, ScoreOnnxOptions options, IReadOnlyCollection<string> modelInputs)
    {
        if (options.ConcatenatedInputs.ContainsKey(column))
        {
            return null;
        }

        foreach (var (input, mapped) in options.InputColumns)
        {
            if (mapped == column)
            {
                return input;
            }
        }

        return modelInputs.Contains(column) && !options.InputColumns.ContainsKey(column) ? column : null;
    }

    private static bool NothingLaterInterferes(List<PreprocessStep> steps, int index, PreprocessStep step)
    {
        for (var later = index + 1; later < steps.Count; later++)
        {
            var next = steps[later];
            var reshapes = next.Transform.Equals("DropColumns", StringComparison.OrdinalIgnoreCase)
                || next.Transform.Equals("SelectColumns", StringComparison.OrdinalIgnoreCase);
            var readsOutput = next.InputColumns.Contains(step.OutputColumn!);
            var rewritesAnInput = next.OutputColumn is { } written && (step.InputColumns.Contains(written) || written == step.OutputColumn);
            if (reshapes || readsOutput || rewritesAnInput)
            {
                return false;
            }
        }

        return true;
    }
}
