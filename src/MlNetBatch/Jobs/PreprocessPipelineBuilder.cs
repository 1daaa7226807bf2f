using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Pipeline;

namespace MlNetBatch.Jobs;

/// <summary>
/// Turns a job's <see cref="PreprocessStep"/>s into a fitted ML.NET transformer chain: block stages for the steps
/// that name a registered block transform (<see cref="BlockTransformRegistry"/>), stock transforms for the others.
/// </summary>
public static class PreprocessPipelineBuilder
{
    /// <summary>The stock ML.NET transform names a step may use; block transforms are in <see cref="BlockTransformRegistry"/>.</summary>
    public static readonly IReadOnlyList<string> KnownTransforms =
        ["Concatenate", "ConvertType", "CopyColumns", "DropColumns", "SelectColumns", "NormalizeMinMax", "NormalizeMeanVariance", "Expression"];

    /// <summary>
    /// Builds and fits the steps on <paramref name="source"/>. Stateless transforms read no data; the normalizers
    /// read the first <see cref="PreprocessStep.FitRows"/> rows.
    /// </summary>
    public static ITransformer Build(MLContext mlContext, IReadOnlyList<PreprocessStep> steps, IDataView source) =>
        Build(mlContext, steps, source, new BlockStageOptions()).Transformer;

    /// <summary>
    /// Builds and fits the steps: a step naming a registered block transform becomes a block stage (run with
    /// <paramref name="stageOptions"/>), unless its columns need the stock transform; the others run on the row path.
    /// Returns the fitted chain and the path each step takes.
    /// </summary>
    public static (ITransformer Transformer, IReadOnlyList<PreprocessStepPlan> Paths) Build(
        MLContext mlContext, IReadOnlyList<PreprocessStep> steps, IDataView source, BlockStageOptions stageOptions) =>
        Build(mlContext, steps, source, stageOptions, folding: null);

    /// <summary>
    /// Builds and fits the steps as the public overload does, except that a block stage that can fold into the model
    /// (<see cref="ICanFoldIntoModelInput"/>) and that <paramref name="folding"/> lets fold is not built: its step's
    /// path names the model input it folded into, and <paramref name="folding"/> holds the model's new bindings.
    /// </summary>
    internal static (ITransformer Transformer, IReadOnlyList<PreprocessStepPlan> Paths) Build(
        MLContext mlContext, IReadOnlyList<PreprocessStep> steps, IDataView source, BlockStageOptions stageOptions, ModelInputFolding? folding)
    {
        var (transformer, paths, _) = Build(mlContext, steps, source, stageOptions, folding, stored: null);
        return (transformer, paths);
    }

    /// <summary>
    /// Builds the steps as the overload above does and returns what fitting learned; with <paramref name="stored"/>
    /// (what an earlier build returned) the fits are taken from it and no data is read.
    /// </summary>
    internal static (ITransformer Transformer, IReadOnlyList<PreprocessStepPlan> Paths, FittedPreprocessing Fitted) Build(
        MLContext mlContext, IReadOnlyList<PreprocessStep> steps, IDataView source, BlockStageOptions stageOptions, ModelInputFolding? folding, FittedPreprocessing? stored)
    {
        long fitRows = 0;
        foreach (var step in steps.Where(s => stored is null && (FitsStockOnData(s) || !IsStock(s))))
        {
            fitRows = Math.Max(fitRows, step.FitRows);
        }

        // Fitted step by step, each on the sample as the steps before it leave it, as an estimator chain would.
        IDataView sample = fitRows > 0 ? mlContext.Data.TakeRows(source, fitRows) : new EmptyDataView(source.Schema);
        var transformers = new List<ITransformer>();
        var paths = new List<PreprocessStepPlan>();
        var learned = new FittedPreprocessing();
        for (var i = 0; i < steps.Count; i++)
        {
            var (estimator, path) = Create(mlContext, steps, i, sample.Schema, stageOptions, folding, stored?.BlockFit(i));
            if (estimator is null)
            {
                // Folded into the model's input: the stage never runs, and the steps after it never see its column.
                paths.Add(path);
                continue;
            }

            var loaded = stored?.LoadTransformer(mlContext, i);
            var transformer = loaded ?? estimator.Fit(sample);
            transformers.Add(transformer);
            var fitted = (transformer as BlockTransformer)?.BlockTransform as IFittedBlockTransform;
            if (stored is not null && ((fitted?.SaveFit() is not null && stored.BlockFit(i) is null) || (FitsStockOnData(steps[i]) && loaded is null)))
            {
                // Fitting here, on no data, would score with parameters no other node has.
                throw new MlNetBatchException($"Preprocess step {i + 1} ('{steps[i].Transform}') has no stored fit: the job's preprocessing changed since the run was planned.");
            }

            if (fitted is not null)
            {
                path = path with { FittedState = fitted.FittedState };
                learned.AddBlockFit(i, fitted);
            }
            else if (FitsStockOnData(steps[i]))
            {
                learned.AddTransformer(mlContext, i, transformer, sample.Schema);
            }

            paths.Add(path);
            sample = transformer is BlockTransformer block ? block.TransformSample(sample) : transformer.Transform(sample);
        }

        return (new TransformerChain<ITransformer>([.. transformers]), paths, learned);
    }

    private static bool FitsStockOnData(PreprocessStep step) => step.Transform.StartsWith("Normalize", StringComparison.OrdinalIgnoreCase);

    /// <summary>Problems with one step's settings, as messages (empty when the step is valid).</summary>
    public static IEnumerable<string> Validate(PreprocessStep step)
    {
        var stock = IsStock(step);
        if (!stock && BlockTransformRegistry.Default.TryGet(step.Transform, out var block))
        {
            foreach (var problem in block.Validate?.Invoke(step) ?? [])
            {
                yield return problem;
            }

            if (step.FitRows < 1)
            {
                yield return "FitRows must be greater than zero.";
            }

            yield break;
        }

        if (!stock)
        {
            var known = KnownTransforms.Concat(BlockTransformRegistry.Default.Names).Distinct(StringComparer.OrdinalIgnoreCase);
            yield return $"unknown transform '{step.Transform}'; use one of {string.Join(", ", known)}.";
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

        if (step.Transform.Equals("Expression", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(step.Expression))
        {
            yield return "Expression needs Expression, an ML.NET expression such as '(a, b) => a / b'.";
        }

        if (step.FitRows < 1)
        {
            yield return "FitRows must be greater than zero.";
        }
    }

    /// <summary>The estimator of step <paramref name="index"/> and its path; no estimator when the step folds into the model.</summary>
    private static (IEstimator<ITransformer>? Estimator, PreprocessStepPlan Path) Create(
        MLContext mlContext, IReadOnlyList<PreprocessStep> steps, int index, DataViewSchema schema, BlockStageOptions stageOptions, ModelInputFolding? folding, System.Text.Json.Nodes.JsonNode? storedFit)
    {
        var step = steps[index];
        var problems = Validate(step).ToList();
        if (problems.Count > 0)
        {
            throw new MlNetBatchException($"Preprocess step '{step.Transform}': {string.Join(" ", problems)}");
        }

        if (!BlockTransformRegistry.Default.TryGet(step.Transform, out var registration))
        {
            return (CreateStock(mlContext, step), new PreprocessStepPlan(index, step.Transform, PreprocessPath.Row, "stock ML.NET transform, no block version"));
        }

        var transform = registration.Create(step);
        if (storedFit is not null && transform is IFittedBlockTransform fittable)
        {
            transform = fittable.LoadFit(storedFit);
        }

        // Asked before the block path is checked, since a folded stage never maps a block: the scorer packs its columns.
        if (transform is ICanFoldIntoModelInput foldable && folding?.TryFold(foldable, steps.Skip(index + 1)) is { } input)
        {
            return (null, new PreprocessStepPlan(index, step.Transform, PreprocessPath.Block, "its output feeds only the model, so the scorer packs its columns straight into the input tensor")
            {
                FoldedIntoModelInput = input,
            });
        }

        try
        {
            transform.GetOutputColumns(schema);
            return (new BlockTransformEstimator(transform, stageOptions), new PreprocessStepPlan(index, step.Transform, PreprocessPath.Block, Describe(stageOptions)));
        }
        catch (BlockPathNotSupportedException e) when (IsStock(step))
        {
            return (CreateStock(mlContext, step), new PreprocessStepPlan(index, step.Transform, PreprocessPath.Row, $"stock ML.NET transform: {e.Message}"));
        }
    }

    private static string Describe(BlockStageOptions options) =>
        $"{options.ResolvedWorkerThreads} worker thread(s), up to {options.ResolvedMaxBlocksInFlight} blocks in flight per partition, "
        + (options.PreserveOrder ? "rows in input order" : "blocks in completion order")
        + "; inline on the partition's thread when it runs a partition per core";

    private static bool IsStock(PreprocessStep step) => KnownTransforms.Contains(step.Transform, StringComparer.OrdinalIgnoreCase);

    private static IEstimator<ITransformer> CreateStock(MLContext mlContext, PreprocessStep step)
    {
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
            // ML.NET's expression language, run by the stock transform on the row path: it compiles no block form.
            "expression" => mlContext.Transforms.Expression(output, step.Expression!, inputs),
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
