using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Worker.Health;

/// <summary>Checks <see cref="JobHealthOptions"/>, each problem with its configuration path.</summary>
/// <param name="section">The section the options were bound from, checked for unknown keys and unconvertible values; none when null.</param>
public sealed class JobHealthOptionsValidator(IConfigurationSection? section = null) : IValidateOptions<JobHealthOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, JobHealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = StrictBinding.Problems<JobHealthOptions>(section).ToList();
        if (options.FailedRuns < 1)
        {
            failures.Add($"{JobHealthOptions.SectionName}:FailedRuns: {options.FailedRuns} must be at least 1.");
        }

        if (options.MissedScheduleTolerance < TimeSpan.Zero)
        {
            failures.Add($"{JobHealthOptions.SectionName}:MissedScheduleTolerance: {options.MissedScheduleTolerance} must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
