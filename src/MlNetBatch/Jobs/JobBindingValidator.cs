using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;

namespace MlNetBatch.Jobs;

/// <summary>
/// Catches what the configuration binder lets pass quietly or reports one at a time: a misspelt setting is ignored,
/// and a job whose values cannot be converted (an unknown enum name, a malformed TimeSpan) is left out of the bound
/// dictionary. Every unknown key and every unconvertible value of every job is reported, each with its path.
/// </summary>
public sealed class JobBindingValidator(IConfiguration section) : IValidateOptions<MlNetBatchOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MlNetBatchOptions options)
    {
        var failures = new List<string>();
        foreach (var job in section.GetSection(nameof(MlNetBatchOptions.Jobs)).GetChildren())
        {
            failures.AddRange(StrictConfiguration.Check(job, typeof(JobDefinition)));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
