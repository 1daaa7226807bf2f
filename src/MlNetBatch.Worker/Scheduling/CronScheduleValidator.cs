using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using Quartz;

namespace MlNetBatch.Worker.Scheduling;

/// <summary>
/// Checks each job's <see cref="JobDefinition.Schedule"/> with Quartz, the scheduler that will fire it; the problems
/// join the same start-up report as the job engine's, each with its configuration path.
/// </summary>
public sealed class CronScheduleValidator : IJobValidator
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MlNetBatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Jobs.SelectMany(j => Problems(j.Key, j.Value)).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <inheritdoc />
    public IEnumerable<string> Problems(string name, JobDefinition? job)
    {
        if (job?.Schedule is { Length: > 0 } schedule && Problem(schedule) is { } problem)
        {
            yield return $"{MlNetBatchOptions.SectionName}:Jobs:{name}:Schedule: '{schedule}' is not a valid cron expression ({problem}). Quartz cron has seconds first, e.g. '0 0 2 * * ?' for 02:00 every day.";
        }
    }

    /// <summary>What is wrong with <paramref name="schedule"/>, or null when Quartz can schedule it.</summary>
    public static string? Problem(string schedule)
    {
        try
        {
            // Quartz refuses to schedule a trigger that never fires (30 February), so that is checked here too.
            return new CronExpression(schedule).GetNextValidTimeAfter(DateTimeOffset.UtcNow) is null
                ? "it never fires: no date matches"
                : null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }
}
