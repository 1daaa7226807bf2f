using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Jobs;

/// <summary>Turns a job's <see cref="PreprocessStep"/>s into a fitted ML.NET transformer chain.</summary>
public static class PreprocessPipelineBuilder
{
    /// <summary>The transform names a step may use.</summary>
    public static readonly IReadOnlyList<string> KnownTransforms =
        ["Concatenate", "ConvertType", "CopyColumns", "DropColumns", "SelectColumns", "NormalizeMinMax", "NormalizeMeanVariance"];

    /// <summary>
    /// Builds and fits the steps on <paramref name="source"/>. Stateless transforms read no data; the normalizers
    /// read the first <see cref="PreprocessStep.FitRows"/> rows.
    /// </summary>
    public static ITransformer Build(MLContext mlContext, IReadOnlyList<PreprocessStep> steps, IDataView source)
    {
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        long fitRows = 0;
        foreach (var step in steps)
        {
            pipeline = pipeline.Append(Create(mlContext, step));
            if (step.Transform.StartsWith("Normalize", StringComparison.OrdinalIgnoreCase))
            {
                fitRows = Math.Max(fitRows, step.FitRows);
            }
        }

        var fitData = fitRows > 0 ? mlContext.Data.TakeRows(source, fitRows) : new EmptyDataView(source.Schema);
        return pipeline.Fit(fitData);
    }

    /// <summary>Problems with one step's settings, as messages (empty when the step is valid).</summary>
    public static IEnumerable<string> Validate(PreprocessStep step)
    {
        if (!KnownTransforms.Contains(step.Transform, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"unknown transform '{step.Transform}'; use one of {string.Join(", ", KnownTransforms)}.";
            yield break;
        }

        if (step.InputColumns.Count == 0)
        {
            yield return $"{step.Transform} needs InputColumns.";
        }

        var needsOutput = !step.Transform.Equals("DropColumns", StringComparison.OrdinalIgnoreCase)
            && !step.Transform.Equals("SelectColumns", StringComparison.OrdinalIgnoreCase);
        if (needsOutput && string.IsNullOrWhiteSpace(step.OutputColumn))
        {
            yield return $"{step.Transform} needs an OutputColumn.";
        }

        var oneInput = step.Transform.Equals("ConvertType", StringComparison.OrdinalIgnoreCase)
            || step.Transform.Equals("CopyColumns", StringComparison.OrdinalIgnoreCase)
            || step.Transform.StartsWith("Normalize", StringComparison.OrdinalIgnoreCase);
        if (oneInput && step.InputColumns.Count > 1)
        {
            yield return $"{step.Transform} reads exactly one column; it lists {step.InputColumns.Count}. Use one step per column.";
        }

        if (step.Transform.Equals("ConvertType", StringComparison.OrdinalIgnoreCase) && !TryDataKind(step.Type, out _))
        {
            yield return $"ConvertType needs Type, one of float, double, int, long, bool, string (got '{step.Type}').";
        }

        if (step.FitRows < 1)
        {
            yield return "FitRows must be greater than zero.";
        }
    }

    private static IEstimator<ITransformer> Create(MLContext mlContext, PreprocessStep step)
    {
        var problems = Validate(step).ToList();
        if (problems.Count > 0)
        {
            throw new MlNetBatchException($"Preprocess step '{step.Transform}': {string.Join(" ", problems)}");
        }

        var output = step.OutputColumn!;
        var inputs = step.InputColumns.ToArray();
        return step.Transform.ToLowerInvariant() switch
        {
            "concatenate" => mlContext.Transforms.Concatenate(output, inputs),
            "converttype" => mlContext.Transforms.Conversion.ConvertType(output, inputs[0], Kind(step.Type)),
            "copycolumns" => mlContext.Transforms.CopyColumns(output, inputs[0]),
            "dropcolumns" => mlContext.Transforms.DropColumns(inputs),
            "selectcolumns" => mlContext.Transforms.SelectColumns(inputs),
            "normalizeminmax" => mlContext.Transforms.NormalizeMinMax(output, inputs[0]),
            _ => mlContext.Transforms.NormalizeMeanVariance(output, inputs[0]),
        };
    }

    private static DataKind Kind(string? type) => TryDataKind(type, out var kind) ? kind : throw new MlNetBatchException($"Unknown type '{type}'.");

    private static bool TryDataKind(string? type, out DataKind kind)
    {
        kind = default;
        if (type is null || !ColumnTypeNames.TryParse(type, out var parsed) || parsed is VectorDataViewType)
        {
            return false;
        }

        kind = parsed switch
        {
            TextDataViewType => DataKind.String,
            BooleanDataViewType => DataKind.Boolean,
            _ when parsed == NumberDataViewType.Double => DataKind.Double,
            _ when parsed == NumberDataViewType.Int32 => DataKind.Int32,
            _ when parsed == NumberDataViewType.Int64 => DataKind.Int64,
            _ => DataKind.Single,
        };
        return true;
    }
}
