using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MlNetBatch.Jobs;

/// <summary>
/// Catches what the configuration binder lets pass quietly: a job whose values cannot be converted (an unknown
/// enum name, a malformed TimeSpan) is left out of the bound dictionary, and a misspelt setting is ignored.
/// Each job section is bound on its own, strictly, and every problem is reported with its path.
/// </summary>
public sealed class JobBindingValidator(IConfiguration section) : IValidateOptions<MlNetBatchOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MlNetBatchOptions options)
    {
        var failures = new List<string>();
        foreach (var job in section.GetSection("Jobs").GetChildren())
        {
            try
            {
                job.Get<JobDefinition>(binder => binder.ErrorOnUnknownConfiguration = true);
            }
            catch (InvalidOperationException e)
            {
                failures.Add($"{MlNetBatchOptions.SectionName}:Jobs:{job.Key}: {Describe(e)}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Describe(InvalidOperationException e) =>
        e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
}
