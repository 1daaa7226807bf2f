using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs.Progress;

namespace MlNetBatch.Worker.Progress;

/// <summary>Logs a run's progress at a steady interval, and once more when it ends.</summary>
internal sealed class ProgressLog : IDisposable
{
    private readonly JobProgress _progress;
    private readonly ILogger _logger;
    private readonly PeriodicTimer _timer;
    private readonly Task _logging;

    private ProgressLog(JobProgress progress, TimeSpan interval, ILogger logger)
    {
        _progress = progress;
        _logger = logger;
        _timer = new PeriodicTimer(interval);
        _logging = Task.Run(LogAsync);
    }

    /// <summary>Starts logging <paramref name="progress"/> every <paramref name="interval"/> until disposed.</summary>
    public static ProgressLog Start(JobProgress progress, TimeSpan interval, ILogger logger) => new(progress, interval, logger);

    /// <summary>Stops the interval and logs the final numbers.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        _logging.GetAwaiter().GetResult();
        Log("done");
    }

    private async Task LogAsync()
    {
        while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            Log("running");
        }
    }

    private void Log(string state)
    {
        var p = _progress;
        var queues = string.Join(", ", p.Queues.Select(q => $"{q.Stage} {q.Depth}/{q.Capacity}"));
        _logger.LogInformation(
            "Job {Job:l} progress ({State:l}): {PartitionsDone}/{Partitions} partitions, {RowsDone}/{Rows:l} rows, {RowsPerSecond:F0} rows/s, ETA {Eta:l}, {BadRows} bad rows; queues: {Queues:l}",
            p.Job, state, p.PartitionsDone, p.Partitions, p.RowsDone, p.Rows?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?", p.RowsPerSecond,
            p.Eta is { } eta ? eta.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : "unknown", p.BadRows, queues.Length == 0 ? "none" : queues);
    }
}
