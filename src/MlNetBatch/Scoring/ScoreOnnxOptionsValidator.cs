using System.Globalization;
using Microsoft.Extensions.Options;

namespace MlNetBatch.Scoring;

/// <summary>
/// The rules for <see cref="ScoreOnnxOptions"/>, in one place: <c>ScoreOnnx</c> applies them to options passed in code,
/// <c>AddMlNetBatch</c> at start-up to bound ones, and a job's <c>Model</c> section is checked with them, so each
/// problem reads the same wherever the options came from.
/// </summary>
public sealed class ScoreOnnxOptionsValidator : IValidateOptions<ScoreOnnxOptions>
{
    /// <summary>The most batches sorted together: each slot holds that many batches of rows.</summary>
    public const int MaximumLengthBucketBatches = 64;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ScoreOnnxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Each problem with <paramref name="options"/>, as <c>Setting: what is wrong</c>.</summary>
    public static IEnumerable<string> Problems(ScoreOnnxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize < 0)
        {
            yield return $"BatchSize: must be 0 (automatic) or greater (got {options.BatchSize.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (options.PrefetchBatches < 1)
        {
            yield return $"PrefetchBatches: must be greater than zero (got {options.PrefetchBatches.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (options.LengthBucketBatches is < 1 or > MaximumLengthBucketBatches)
        {
            yield return $"LengthBucketBatches: must be from 1 (no sorting) to {MaximumLengthBucketBatches} (got {options.LengthBucketBatches.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (options.GpuDeviceId < 0)
        {
            yield return $"GpuDeviceId: must be 0 or greater (got {options.GpuDeviceId.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (options.GpuConcurrentRuns < 1)
        {
            yield return $"GpuConcurrentRuns: must be greater than zero (got {options.GpuConcurrentRuns.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (!string.IsNullOrEmpty(options.TensorRtCachePath) && !options.TensorRt)
        {
            yield return "TensorRtCachePath: is set but TensorRt is false; set TensorRt to true to use TensorRT, or remove the cache path.";
        }

        foreach (var (input, columns) in options.ConcatenatedInputs)
        {
            if (options.InputColumns.ContainsKey(input))
            {
                yield return $"ConcatenatedInputs:{input}: model input '{input}' is also listed in InputColumns; use one.";
            }

            if (columns is null || columns.Count == 0)
            {
                yield return $"ConcatenatedInputs:{input}: lists no columns.";
            }
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every problem, for callers of the library API.</summary>
    internal static void ThrowIfInvalid(ScoreOnnxOptions options)
    {
        var problems = Problems(options).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid ScoreOnnx options: {string.Join(" ", problems)}", nameof(options));
        }
    }
}
