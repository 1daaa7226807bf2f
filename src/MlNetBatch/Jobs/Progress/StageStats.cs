namespace MlNetBatch.Jobs.Progress;

/// <summary>
/// What one stage of a job run did, summed over its partitions and threads, in the spirit of Ray Data's
/// <c>ds.stats()</c>. A stage's time is split three ways: its own work, waiting for its upstream stage to hand it a
/// block, and waiting for room in the queue to its downstream stage.
/// </summary>
/// <param name="Name">The stage: <c>read</c>, a preprocess step's transform (<c>Concatenate</c>), <c>score</c> or <c>write</c>.</param>
/// <param name="Wall">Thread time spent on the stage's own work (a stage on four threads for a second has four), including its I/O.</param>
/// <param name="Cpu">Processor time of that work; null where the platform does not report a thread's processor time.</param>
/// <param name="Rows">Rows the stage handed on (a retried partition's rows count again).</param>
/// <param name="Bytes">Bytes read from storage (read) or written to the output files (write); null for stages that do no I/O.</param>
/// <param name="BlockedOnInput">Thread time spent waiting for the upstream stage to hand over a block.</param>
/// <param name="BlockedOnOutput">Thread time spent waiting for room in the bounded queue to the downstream stage.</param>
public sealed record StageStats(
    string Name, TimeSpan Wall, TimeSpan? Cpu, long Rows, long? Bytes, TimeSpan BlockedOnInput, TimeSpan BlockedOnOutput)
{
    /// <summary>
    /// The stage that limits the run's throughput: the one with the most time spent on its own work, the others
    /// waiting on it. Ties go to the stage blocked the least. Null when there are no stages.
    /// </summary>
    public static string? Bottleneck(IEnumerable<StageStats> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        return stages
            .OrderByDescending(s => s.Wall)
            .ThenBy(s => s.BlockedOnInput + s.BlockedOnOutput)
            .FirstOrDefault()?.Name;
    }
}
