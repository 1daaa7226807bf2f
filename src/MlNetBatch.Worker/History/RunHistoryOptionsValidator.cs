using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Worker.History;

/// <summary>Checks <see cref="RunHistoryOptions"/>, each problem with its configuration path.</summary>
/// <param name="section">The section the options were bound from, checked for unknown keys and unconvertible values; none when null.</param>
public sealed class RunHistoryOptionsValidator(IConfigurationSection? section = null) : IValidateOptions<RunHistoryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RunHistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = StrictBinding.Problems<RunHistoryOptions>(section).ToList();
        if (options.KeepRuns < 1)
        {
            failures.Add($"{RunHistoryOptions.SectionName}:KeepRuns: {options.KeepRuns} must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
