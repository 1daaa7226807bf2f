namespace MlNetBatch.Worker.History;

/// <summary>
/// A run the <see cref="JobRunRecorder"/> has begun: its history record is started, and until it is disposed every line
/// logged (by the scheduler, the recorder and the engine alike) carries the run's <c>Job</c> and <c>RunId</c>.
/// </summary>
public sealed class RecordedRun : IDisposable
{
    private readonly JobRunRecorder _recorder;
    private readonly RunRecord _started;
    private readonly IDisposable? _scope;

    internal RecordedRun(JobRunRecorder recorder, RunRecord started, string runId, IDisposable? scope)
    {
        _recorder = recorder;
        _started = started;
        RunId = runId;
        _scope = scope;
    }

    /// <summary>The run's id: the history's, or one of its own when the history could not record the run.</summary>
    public string RunId { get; }

    /// <summary>Runs <paramref name="job"/> and records how it ended; the run's result or exception is passed on unchanged.</summary>
    public Task<Jobs.JobRunSummary> RunAsync(Jobs.JobDefinition job, Jobs.JobRunOptions runOptions, CancellationToken stopToken) =>
        _recorder.RunAsync(_started, RunId, job, runOptions, stopToken);

    /// <summary>Records the run of <paramref name="job"/> that <paramref name="execute"/> carries out (across a cluster), as <see cref="RunAsync(Jobs.JobDefinition, Jobs.JobRunOptions, CancellationToken)"/> does.</summary>
    internal Task<Jobs.JobRunSummary> RunAsync(
        Jobs.JobDefinition job, Jobs.JobRunOptions runOptions, Func<Jobs.JobRunOptions, CancellationToken, Task<Jobs.JobRunSummary>> execute, CancellationToken stopToken) =>
        _recorder.RunAsync(_started, RunId, job, runOptions, stopToken, execute);

    /// <summary>Ends the logging scope.</summary>
    public void Dispose() => _scope?.Dispose();
}
