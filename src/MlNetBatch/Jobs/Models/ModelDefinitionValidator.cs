using Microsoft.Extensions.Options;
using MlNetBatch.Scoring;

namespace MlNetBatch.Jobs.Models;

/// <summary>
/// The rules for a job's <see cref="ModelDefinition"/>: what each <see cref="ModelKind"/> needs, what it cannot use,
/// and, for ONNX, <see cref="ScoreOnnxOptionsValidator"/>'s rules. Whether the files exist is the job validator's.
/// </summary>
public sealed class ModelDefinitionValidator : IValidateOptions<ModelDefinition>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ModelDefinition options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Each problem with <paramref name="model"/>, as <c>Setting: what is wrong</c>.</summary>
    public static IEnumerable<string> Problems(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Enum.IsDefined(model.Kind))
        {
            yield return $"Kind: must be one of {string.Join(", ", Enum.GetNames<ModelKind>())} (got {model.Kind}).";
            yield break;
        }

        if (model.Kind != ModelKind.Function && string.IsNullOrWhiteSpace(model.ModelPath))
        {
            yield return model.Kind == ModelKind.Onnx ? "ModelPath: is required (an .onnx file)." : "ModelPath: is required (a .zip saved by MLContext.Model.Save).";
        }

        if (model.Kind == ModelKind.Function)
        {
            if (string.IsNullOrWhiteSpace(model.Name))
            {
                yield return "Name: is required for Kind Function (the name given to services.AddBatchModel<T>(name)).";
            }

            if (!string.IsNullOrWhiteSpace(model.ModelPath))
            {
                yield return "ModelPath: is not used by Kind Function; remove it (the registered batch model loads what it needs).";
            }
        }
        else if (!string.IsNullOrWhiteSpace(model.Name))
        {
            yield return $"Name: is only used by Kind Function (this model is {model.Kind}); remove it.";
        }

        foreach (var problem in ScoreOnnxOptionsValidator.Problems(model))
        {
            yield return problem;
        }

        if (model.Kind == ModelKind.Onnx)
        {
            yield break;
        }

        // The ONNX-only settings: a value other than the default would be silently ignored, so it is refused.
        var defaults = new ScoreOnnxOptions();
        if (model.ConcatenatedInputs.Count > 0)
        {
            yield return $"ConcatenatedInputs: is only used by Kind Onnx; for {model.Kind}, add a Concatenate step to Preprocess.";
        }

        if (model.Kind == ModelKind.MlNet && model.InputColumns.Count > 0)
        {
            yield return "InputColumns: is not used by Kind MlNet (the saved model reads its columns by name); rename columns with a CopyColumns step in Preprocess.";
        }

        if (model.Device != defaults.Device || model.TensorRt || model.TensorRtCachePath is not null || model.GpuDeviceId != 0
            || model.GpuConcurrentRuns != defaults.GpuConcurrentRuns || model.IntraOpThreads != 0 || model.PrefetchBatches != defaults.PrefetchBatches
            || model.LengthBucketBatches != defaults.LengthBucketBatches)
        {
            yield return $"Device, GpuDeviceId, GpuConcurrentRuns, TensorRt, TensorRtCachePath, IntraOpThreads, PrefetchBatches and LengthBucketBatches are only used by Kind Onnx; remove them for {model.Kind}.";
        }

        if (model.Kind == ModelKind.MlNet && model.BatchSize != defaults.BatchSize)
        {
            yield return "BatchSize: is not used by Kind MlNet (ML.NET transforms row by row); remove it.";
        }
    }
}
