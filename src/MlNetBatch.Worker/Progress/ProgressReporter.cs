using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs.Progress;

namespace MlNetBatch.Worker.Progress;

/// <summary>
/// Shows each job run's progress the way the worker's output can take it: a live display in a terminal, a log line
/// at <see cref="ProgressOptions.Interval"/> otherwise (output redirected, or running as a service).
/// </summary>
internal sealed class ProgressReporter(ProgressOptions options, ILogger<ProgressReporter> logger, bool liveDisplay) : IJobProgressListener
{
    /// <inheritdoc />
    public IDisposable Started(JobProgress progress) => liveDisplay
        ? LiveProgressDisplay.Start(progress)
        : ProgressLog.Start(progress, options.Interval, logger);
}
