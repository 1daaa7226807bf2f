using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using MlNetBatch.Jobs;
using MlNetBatch.Worker.History;
using MlNetBatch.Worker.Scheduling;

namespace MlNetBatch.Worker.Health;

/// <summary>
/// Records in the history, when the service starts and when the jobs are edited, since when it schedules each job on
/// its schedule: a fire time before that cannot have been missed (<see cref="MissedSchedulesHealthCheck"/>).
/// </summary>
internal sealed class ScheduleRecorder(RunHistoryStore history, ConfiguredJobs jobs, IConfiguration configuration, ILogger<ScheduleRecorder> logger) : IHostedService
{
    private IDisposable? _changes;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The valid jobs, as the service schedules them: one invalid job (or edit) does not stop the others.
        Record();
        _changes = ChangeToken.OnChange(configuration.GetReloadToken, Record);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _changes?.Dispose();
        return Task.CompletedTask;
    }

    private void Record()
    {
        try
        {
            foreach (var (name, job) in jobs.Read().Valid)
            {
                // An invalid schedule is not scheduled (start-up validation reports it), so it cannot be missed either.
                if (job.Schedule is { Length: > 0 } cron && CronScheduleValidator.Problem(cron) is null)
                {
                    history.RecordSchedule(name, cron);
                }
            }
        }
        catch (MlNetBatchException e)
        {
            logger.LogWarning("The schedules are not recorded in the history, so missed runs cannot be told: {Reason}", e.Message);
        }
    }
}
