namespace MlNetBatch.Jobs.Observation;

/// <summary>
/// The observer of the job run in progress on this logical flow. Ambient, because the points lie inside cursors and
/// stores that know nothing of jobs; it flows with the run's tasks and the cursors' background threads.
/// </summary>
internal static class JobObserver
{
    private static readonly AsyncLocal<IJobObserver?> Current = new();

    /// <summary>Tells the run's observer, if any, that <paramref name="point"/> is reached.</summary>
    public static void Reach(JobPoint point) => Current.Value?.Reached(point);

    /// <summary>Makes <paramref name="observer"/> the observer of the work started from this flow until the scope is disposed.</summary>
    public static Scope Observe(IJobObserver? observer)
    {
        var previous = Current.Value;
        Current.Value = observer;
        return new Scope(previous);
    }

    /// <summary>Restores the previous observer.</summary>
    public readonly struct Scope(IJobObserver? previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => Current.Value = previous;
    }
}
