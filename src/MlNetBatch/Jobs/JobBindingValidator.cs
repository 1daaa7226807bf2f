using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MlNetBatch.Data;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Formats;
using MlNetBatch.Sinks;

namespace MlNetBatch.Jobs;

/// <summary>
/// Catches what the configuration binder lets pass quietly or reports one at a time: a misspelt setting is ignored,
/// and a job whose values cannot be converted (an unknown enum name, a malformed TimeSpan) is left out of the bound
/// dictionary. Every unknown key and every unconvertible value of every job is reported, each with its path.
/// </summary>
/// <param name="section">The <c>MlNetBatch</c> section.</param>
/// <param name="formats">The registered readers; the built-in ones when null.</param>
/// <param name="writers">The registered writers; the built-in ones when null.</param>
public sealed class JobBindingValidator(IConfiguration section, DataFormatRegistry? formats = null, RecordBatchWriterRegistry? writers = null)
    : IJobValidator
{
    private readonly JobFormatChecks _formatChecks = new(formats ?? DataFormatRegistry.Default, writers ?? RecordBatchWriterRegistry.Default);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MlNetBatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var job in section.GetSection(nameof(MlNetBatchOptions.Jobs)).GetChildren())
        {
            failures.AddRange(Problems(job.Key, options.Jobs.GetValueOrDefault(job.Key)));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <inheritdoc />
    public IEnumerable<string> Problems(string name, JobDefinition? job)
    {
        var settings = section.GetSection(nameof(MlNetBatchOptions.Jobs)).GetSection(name);
        if (!settings.Exists())
        {
            return [];
        }

        var failures = StrictConfiguration.Check(settings, typeof(JobDefinition)).ToList();
        if (job is null)
        {
            // A job left out is out of JobDefinitionValidator's sight too; its format names (any name converts,
            // so a misspelt one is not among the failures above) are checked here, to report them in the same run.
            failures.AddRange(_formatChecks.NameProblems(FormatAt(settings, "Source:Format"), FormatAt(settings, "Sink:Format")).Select(p => $"{settings.Path}:{p}"));
        }

        return failures;
    }

    private static DataFormatKind? FormatAt(IConfigurationSection job, string key) =>
        string.IsNullOrWhiteSpace(job[key]) ? null : new DataFormatKind(job[key]!);
}
