using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;

namespace MlNetBatch.Worker.Progress;

/// <summary>Checks <c>MlNetBatch:Progress</c>: known keys only, and an interval between 100 ms and a day.</summary>
internal sealed class ProgressOptionsValidator(IConfigurationSection section) : IValidateOptions<ProgressOptions>
{
    private static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ProgressOptions options)
    {
        var failures = StrictConfiguration.Check(section, typeof(ProgressOptions)).ToList();
        if (options.Interval < Shortest || options.Interval > Longest)
        {
            failures.Add($"{section.Path}:{nameof(ProgressOptions.Interval)}: {options.Interval} is out of range; use a time from 00:00:00.1 to 1.00:00:00 (default {ProgressOptions.DefaultInterval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
