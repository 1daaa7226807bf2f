namespace MlNetBatch.Jobs.Observation;

/// <summary>
/// Told when a job run reaches a <see cref="JobPoint"/>. Production runs have none; the crash tests register one in a
/// test build of the worker that stops the process at a point of the commit protocol.
/// </summary>
internal interface IJobObserver
{
    /// <summary>Called on the thread that reached <paramref name="point"/>; it may block that thread.</summary>
    void Reached(JobPoint point);
}
