using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using MlNetBatch.Jobs;
using Quartz;

namespace MlNetBatch.Worker.Scheduling;

/// <summary>
/// Keeps Quartz's jobs and triggers in step with the configured jobs. At start it schedules every valid job and
/// reports the invalid ones (when none is valid, or what they share is not, the service does not start); at each configuration change it adds new jobs, reschedules changed ones and deletes
/// removed ones. An invalid edit is reported with the validators' messages and leaves the previous definition scheduled.
/// </summary>
internal sealed class JobScheduleSync(
    IConfiguration section, ConfiguredJobs configured, ScheduledJobs scheduled, ISchedulerFactory schedulers, ILogger<JobScheduleSync> logger)
    : IHostedService, IDisposable
{
    // Each applied definition as JSON, to tell an edit of the job from a change elsewhere in configuration.
    private readonly Dictionary<string, string?> _applied = new(StringComparer.OrdinalIgnoreCase);

    // The problems last reported per invalid job, so that a change elsewhere does not repeat them.
    private readonly Dictionary<string, string> _rejected = new(StringComparer.OrdinalIgnoreCase);

    // Changes are applied one after the other, in the order they came.
    private readonly Lock _chain = new();
    private Task _applying = Task.CompletedTask;
    private IDisposable? _watch;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var jobs = configured.Read();
        if (jobs.SharedProblems.Count > 0 || (jobs.Valid.Count == 0 && jobs.Invalid.Count > 0))
        {
            // Nothing could run: the service does not start, as with any configuration error.
            throw new OptionsValidationException(Options.DefaultName, typeof(MlNetBatchOptions), [.. jobs.SharedProblems, .. jobs.Invalid.Values.SelectMany(p => p)]);
        }

        await ApplyAsync(jobs, starting: true, cancellationToken).ConfigureAwait(false);
        _watch = ChangeToken.OnChange(section.GetReloadToken, OnChanged);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        Task applying;
        lock (_chain)
        {
            applying = _applying;
        }

        await applying.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _watch?.Dispose();

    private void OnChanged()
    {
        lock (_chain)
        {
            _applying = _applying.ContinueWith(_ => ReloadAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task ReloadAsync()
    {
        try
        {
            var jobs = configured.Read();
            if (jobs.SharedProblems.Count > 0)
            {
                foreach (var problem in jobs.SharedProblems)
                {
                    logger.LogError("Configuration change rejected; every job keeps its previous definition: {Problem}", problem);
                }

                return;
            }

            await ApplyAsync(jobs, starting: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A change must never stop the service: the jobs already scheduled go on.
            logger.LogError("Configuration change could not be applied; the jobs keep their previous schedule: {Reason}", e.Message);
            logger.LogDebug(e, "Configuration change failed");
        }
    }

    private async Task ApplyAsync(JobSet jobs, bool starting, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        ReportInvalid(jobs);
        foreach (var (name, job) in jobs.Valid)
        {
            var settings = Settings(job);
            var known = _applied.TryGetValue(name, out var applied);
            if (known && settings is not null && applied == settings)
            {
                continue;
            }

            await QuartzSchedule.ScheduleAsync(scheduler, name, job, cancellationToken).ConfigureAwait(false);
            scheduled.Set(name, job);
            _applied[name] = settings;
            if (!starting)
            {
                logger.LogInformation(
                    "Job {Job} {Change} from the configuration: {Schedule}", name, known ? "changed" : "added", QuartzSchedule.Describe(job));
            }
        }

        foreach (var name in _applied.Keys.Where(n => !jobs.Names.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList())
        {
            await scheduler.DeleteJob(QuartzSchedule.JobKeyOf(name), cancellationToken).ConfigureAwait(false);
            scheduled.Remove(name);
            _applied.Remove(name);
            logger.LogInformation("Job {Job} was removed from the configuration and is no longer scheduled; a run in progress finishes", name);
        }
    }

    /// <summary>The definition as bound, to compare with the applied one; null (always a change) if it cannot be written.</summary>
    private static string? Settings(JobDefinition job)
    {
        try
        {
            return JsonSerializer.Serialize(job);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Logs each invalid job's problems once, one line each, saying whether an earlier definition still runs.</summary>
    private void ReportInvalid(JobSet jobs)
    {
        foreach (var name in _rejected.Keys.Where(n => !jobs.Invalid.ContainsKey(n)).ToList())
        {
            _rejected.Remove(name);
        }

        foreach (var (name, problems) in jobs.Invalid)
        {
            var text = string.Join('\n', problems);
            if (_rejected.TryGetValue(name, out var reported) && reported == text)
            {
                continue;
            }

            _rejected[name] = text;
            var kept = scheduled.TryGet(name, out _);
            foreach (var problem in problems)
            {
                if (kept)
                {
                    logger.LogError("Job {Job}: the edit is rejected and its previous definition stays scheduled: {Problem}", name, problem);
                }
                else
                {
                    logger.LogError("Job {Job} is not scheduled: {Problem}", name, problem);
                }
            }
        }
    }
}
