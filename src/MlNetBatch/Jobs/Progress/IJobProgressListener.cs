namespace MlNetBatch.Jobs.Progress;

/// <summary>
/// Hears of every job run a <see cref="JobRunner"/> starts, to show or log its <see cref="JobProgress"/>: a progress
/// bar in a terminal, a log line at an interval in a service. Register it in the services beside
/// <c>AddMlNetBatch</c>; the runner it builds tells every one.
/// </summary>
public interface IJobProgressListener
{
    /// <summary>A run started; the returned object is disposed when it ends, after <see cref="JobProgress.IsFinished"/> is set.</summary>
    IDisposable? Started(JobProgress progress);
}
