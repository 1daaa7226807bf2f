using Microsoft.Extensions.Options;

namespace MlNetBatch.Jobs;

/// <summary>
/// A validator of <see cref="MlNetBatchOptions"/> whose rules are per job, so that a job can be checked alone: one
/// invalid job then does not stop the others (<see cref="ConfiguredJobs"/>). Its <c>Validate</c> of the whole options
/// reports the <see cref="SharedProblems"/> and every job's <see cref="Problems"/>, as one start-up report.
/// </summary>
public interface IJobValidator : IValidateOptions<MlNetBatchOptions>
{
    /// <summary>Problems in what every job depends on (a storage provider that cannot be set up), each with its configuration path.</summary>
    IEnumerable<string> SharedProblems() => [];

    /// <summary>The problems of the job named <paramref name="name"/>, each with its configuration path (<c>MlNetBatch:Jobs:name:…</c>).</summary>
    /// <param name="name">The job's name, as in configuration.</param>
    /// <param name="job">Its definition; null when configuration could not be bound to it.</param>
    IEnumerable<string> Problems(string name, JobDefinition? job);
}
