using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MlNetBatch.Jobs;

/// <summary>
/// The jobs as configured now, each checked alone by the same validators that check <see cref="MlNetBatchOptions"/>
/// as a whole: <c>run</c> needs only its own job to be valid, and a service schedules every valid job.
/// </summary>
public sealed class ConfiguredJobs
{
    private readonly IConfiguration _section;
    private readonly OptionsFactory<MlNetBatchOptions> _unvalidated;
    private readonly List<IValidateOptions<MlNetBatchOptions>> _validators;

    /// <summary>Creates the reader over <paramref name="section"/>, the <c>MlNetBatch</c> section.</summary>
    /// <param name="section">The <c>MlNetBatch</c> section, read at each <see cref="Read"/>.</param>
    /// <param name="setups">The registered setups of the options (their binding).</param>
    /// <param name="postConfigures">The registered post-configurations.</param>
    /// <param name="validators">The registered validators: <see cref="IJobValidator"/>s check each job; any other checks what all jobs share.</param>
    public ConfiguredJobs(
        IConfiguration section,
        IEnumerable<IConfigureOptions<MlNetBatchOptions>> setups,
        IEnumerable<IPostConfigureOptions<MlNetBatchOptions>> postConfigures,
        IEnumerable<IValidateOptions<MlNetBatchOptions>> validators)
    {
        ArgumentNullException.ThrowIfNull(section);
        _section = section;
        // The options without their validation, which would reject them all for one bad job.
        _unvalidated = new OptionsFactory<MlNetBatchOptions>(setups, postConfigures);
        _validators = validators.ToList();
    }

    /// <summary>Binds the configuration as it is now and checks each job.</summary>
    public JobSet Read()
    {
        var options = _unvalidated.Create(Options.DefaultName);
        var shared = new List<string>();
        var jobValidators = new List<IJobValidator>();
        foreach (var validator in _validators)
        {
            if (validator is IJobValidator perJob)
            {
                jobValidators.Add(perJob);
                shared.AddRange(perJob.SharedProblems());
            }
            else if (validator.Validate(Options.DefaultName, options) is { Failed: true } result)
            {
                // A validator that does not say which job a problem is about: none may run with it.
                shared.AddRange(result.Failures);
            }
        }

        var valid = new Dictionary<string, JobDefinition>(StringComparer.OrdinalIgnoreCase);
        var invalid = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        // Jobs the binder left out (a value it could not convert) are in configuration only.
        var names = _section.GetSection(nameof(MlNetBatchOptions.Jobs)).GetChildren().Select(j => j.Key)
            .Concat(options.Jobs.Keys).Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var job = options.Jobs.GetValueOrDefault(name);
            var problems = jobValidators.SelectMany(v => v.Problems(name, job)).ToList();
            if (job is not null && problems.Count == 0)
            {
                valid[name] = job;
            }
            else
            {
                invalid[name] = problems.Count > 0 ? problems : [$"{MlNetBatchOptions.SectionName}:Jobs:{name}: could not be read from configuration."];
            }
        }

        return new JobSet(valid, invalid, shared);
    }
}
