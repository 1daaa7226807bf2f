using System.Globalization;
using Microsoft.Extensions.Options;

namespace MlNetBatch.Scoring.Functions;

/// <summary>The rules for <see cref="BatchModelOptions"/>, checked when a registered model's options are first read.</summary>
public sealed class BatchModelOptionsValidator : IValidateOptions<BatchModelOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BatchModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.MaxConcurrency < 1)
        {
            problems.Add($"Batch model '{name}': MaxConcurrency must be greater than zero (got {options.MaxConcurrency.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (options.BatchSize < 1)
        {
            problems.Add($"Batch model '{name}': BatchSize must be greater than zero (got {options.BatchSize.ToString(CultureInfo.InvariantCulture)}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
