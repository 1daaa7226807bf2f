using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using MlNetBatch.Jobs;

namespace MlNetBatch.Worker.Scheduling;

/// <summary>
/// The job definitions the service runs: the last valid one of each job. A Quartz job takes its definition from here
/// when it fires and keeps it to the end of its run, whatever edits come meanwhile.
/// </summary>
public sealed class ScheduledJobs
{
    private readonly ConcurrentDictionary<string, JobDefinition> _jobs = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The scheduled jobs' names.</summary>
    public ICollection<string> Names => _jobs.Keys;

    /// <summary>The definition of the job named <paramref name="name"/>, when it is scheduled.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out JobDefinition job) => _jobs.TryGetValue(name, out job);

    internal void Set(string name, JobDefinition job) => _jobs[name] = job;

    internal void Remove(string name) => _jobs.TryRemove(name, out _);
}
