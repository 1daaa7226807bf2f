using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs;
using MlNetBatch.Worker.Cli;
using Quartz;

namespace MlNetBatch.Worker.Scheduling;

/// <summary>
/// The Quartz job: a thin adapter that looks up the job definition by name and runs it through the <see cref="History.JobRunRecorder"/>.
/// The definition is taken once, when the job fires: a configuration edit during the run applies from the next run.
/// </summary>
/// <remarks>In a cluster the run is planned here and scored by every node (see <c>ClusterJobRuns</c>).</remarks>
[DisallowConcurrentExecution]
public sealed class BatchInferenceQuartzJob(History.JobRunRecorder runner, ScheduledJobs jobs, ILogger<BatchInferenceQuartzJob> logger, IServiceProvider services) : IJob
{
    /// <summary>The job-data key holding the job definition's name.</summary>
    public const string JobNameKey = "job";

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var name = context.MergedJobDataMap.GetString(JobNameKey) ?? context.JobDetail.Key.Name;
        if (!jobs.TryGet(name, out var definition))
        {
            throw new JobExecutionException($"Job '{name}' is no longer defined in configuration.");
        }

        // The run's scope spans this method, so these lines carry the run's Job and RunId as the engine's do.
        using var run = runner.Begin(name);
        // In a cluster this line shows which node took which fire time: each is fired on one node only.
        logger.LogInformation("Job {Job} fired for {FireTime:O} on node {Node}", name, context.ScheduledFireTimeUtc, context.Scheduler.SchedulerInstanceId);
        try
        {
            var cluster = services.GetService(typeof(Cluster.Runs.ClusterJobRuns)) as Cluster.Runs.ClusterJobRuns;
            var summary = cluster is null
                ? await run.RunAsync(definition, new JobRunOptions(), cancellationToken).ConfigureAwait(false)
                : await run.RunAsync(definition, new JobRunOptions(), (options, ct) => cluster.RunAsync(name, definition, options.RunId!, ct), cancellationToken).ConfigureAwait(false);
            context.Result = summary;
            // The service has no terminal for the table 'run' prints: its figures go to the log, a line per stage.
            Progress.StageLog.Write(logger, summary);
        }
        catch (Exception e) when (e is JobInterruptedException || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("Job {Job} was interrupted before it finished; the next run resumes it", name);
            throw new JobExecutionException($"Job '{name}' was interrupted.") { RefireImmediately = false };
        }
        catch (Exception e)
        {
            // One line for the operator, as from the command line; the stack only at Debug level.
            logger.LogError("{Failure}", FailureReport.Describe(e, name, definition));
            logger.LogDebug(e, "Job {Job} failed", name);
            throw new JobExecutionException(e) { RefireImmediately = false };
        }
    }
}
