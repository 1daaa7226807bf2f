using MlNetBatch.Jobs;
using Quartz;

namespace MlNetBatch.Worker.Scheduling;

/// <summary>One job definition as Quartz sees it: a durable job and, when the job has a schedule, one cron trigger.</summary>
internal static class QuartzSchedule
{
    public static JobKey JobKeyOf(string name) => new(name, SchedulingServiceCollectionExtensions.JobGroup);

    public static TriggerKey TriggerKeyOf(string name) => new($"{name}-schedule", SchedulingServiceCollectionExtensions.JobGroup);

    /// <summary>Adds or replaces the job, and its trigger as its schedule says (none: the trigger goes).</summary>
    public static async Task ScheduleAsync(IScheduler scheduler, string name, JobDefinition job, CancellationToken cancellationToken)
    {
        var key = JobKeyOf(name);
        var detail = JobBuilder.Create<BatchInferenceQuartzJob>()
            .WithIdentity(key).StoreDurably().UsingJobData(BatchInferenceQuartzJob.JobNameKey, name).Build();
        // Replacing keeps the job's trigger, and a run in progress goes on with the definition it took when it fired.
        await scheduler.AddJob(detail, AddJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
        var triggerKey = TriggerKeyOf(name);
        if (job.Schedule is not { Length: > 0 } cron)
        {
            await scheduler.UnscheduleJob(triggerKey, cancellationToken).ConfigureAwait(false);
            return;
        }

        var trigger = TriggerBuilder.Create()
            .ForJob(key)
            .WithIdentity(triggerKey)
            .WithCronSchedule(cron, schedule => schedule.WithMisfireInstruction(job.Execution.Misfire == MisfirePolicy.DoNothing
                ? CronTriggerMisfireInstruction.DoNothing
                : CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When the job runs, for the operator.</summary>
    public static string Describe(JobDefinition job) => job.Schedule is { Length: > 0 } cron
        ? $"runs on '{cron}', next at {new CronExpression(cron).GetNextValidTimeAfter(DateTimeOffset.UtcNow):u}"
        : "no schedule; run it with 'run'";
}
