namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// A partition's turn on a processor: the reading, scoring and writing hold one of the run's
/// <see cref="ExecutionOptions.Parallelism"/> slots; the commit, which mostly waits for the disk, does not.
/// </summary>
/// <param name="Processors">The run's slots.</param>
/// <param name="Sequential">Asked when the partition starts: whether its stages run one after another on one thread.</param>
/// <param name="StopToken">After a stop request, a partition still waiting for a slot does not start.</param>
internal sealed record ProcessorSlot(SemaphoreSlim Processors, Func<bool> Sequential, CancellationToken StopToken)
{
    /// <summary>Waits for a slot; release it with <see cref="SemaphoreSlim.Release()"/> on <see cref="Processors"/>.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, StopToken);
        await Processors.WaitAsync(waiting.Token).ConfigureAwait(false);
    }
}
