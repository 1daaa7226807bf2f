namespace MlNetBatch.Jobs;

/// <summary>The configured jobs, each checked alone: those that can run, those that cannot and why, and what all of them depend on.</summary>
/// <param name="Valid">The jobs that passed every job validator, by name.</param>
/// <param name="Invalid">The jobs that did not, by name, with their problems (each with its configuration path).</param>
/// <param name="SharedProblems">Problems no job can run with (a storage provider that cannot be set up), each with its path.</param>
public sealed record JobSet(
    IReadOnlyDictionary<string, JobDefinition> Valid,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Invalid,
    IReadOnlyList<string> SharedProblems)
{
    /// <summary>Every job's name, valid or not.</summary>
    public IEnumerable<string> Names => Valid.Keys.Concat(Invalid.Keys);

    /// <summary>
    /// The problems that stop the job named <paramref name="name"/> (the shared ones, then its own), empty when it can run.
    /// </summary>
    public IReadOnlyList<string> ProblemsOf(string name) =>
        [.. SharedProblems, .. Invalid.GetValueOrDefault(name) ?? []];
}
