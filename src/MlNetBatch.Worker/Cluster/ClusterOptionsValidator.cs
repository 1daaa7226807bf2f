using Microsoft.Extensions.Options;

namespace MlNetBatch.Worker.Cluster;

/// <summary>Checks <see cref="ClusterOptions"/> when the host starts; every problem names its configuration key.</summary>
internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (ClusterConnection.Resolve(options).Problem is { } problem)
        {
            failures.Add(problem);
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add($"{ClusterOptions.SectionName}:{nameof(ClusterOptions.Name)}: must not be empty.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(options.TablePrefix, "^[A-Za-z_][A-Za-z0-9_]{0,30}$"))
        {
            failures.Add($"{ClusterOptions.SectionName}:{nameof(ClusterOptions.TablePrefix)}: '{options.TablePrefix}' is not a table-name prefix (letters, digits and underscores, starting with a letter or underscore).");
        }

        Positive(failures, nameof(ClusterOptions.CheckInInterval), options.CheckInInterval);
        Positive(failures, nameof(ClusterOptions.CheckInMisfireThreshold), options.CheckInMisfireThreshold);
        if (options.IdleWaitTime < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{ClusterOptions.SectionName}:{nameof(ClusterOptions.IdleWaitTime)}: must be at least 00:00:01 (Quartz's minimum).");
        }

        if (options.RunRetention <= TimeSpan.Zero)
        {
            failures.Add($"{ClusterOptions.SectionName}:{nameof(ClusterOptions.RunRetention)}: must be positive (got {options.RunRetention}).");
        }

        if (options.PartitionClaimLifetime < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{ClusterOptions.SectionName}:{nameof(ClusterOptions.PartitionClaimLifetime)}: must be at least 00:00:01 (claims are renewed four times per lifetime).");
        }

        if (options.Parallelism < 1)
        {
            failures.Add($"{ClusterOptions.SectionName}:{nameof(ClusterOptions.Parallelism)}: must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{ClusterOptions.SectionName}:{key}: must be a positive time span, such as 00:00:02.");
        }
    }
}
