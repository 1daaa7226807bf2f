namespace MlNetBatch.Pipeline;

/// <summary>How a block stage runs: its worker pool, how many blocks it holds, and whether it keeps row order.</summary>
public sealed class BlockStageOptions
{
    /// <summary>Threads of the pool that maps blocks; stages with the same count share one pool.</summary>
    /// <value>The default, 0, is every core but one: the one left to the scorer.</value>
    public int WorkerThreads { get; set; }

    /// <summary>
    /// Blocks a cursor of the stage holds at most, from the moment it takes one from its input until the consumer
    /// moves past it: the bound that keeps memory constant when the consumer is slow.
    /// </summary>
    /// <value>The default, 0, is the worker threads plus two (one being read, one ready).</value>
    public int MaxBlocksInFlight { get; set; }

    /// <summary>
    /// Whether blocks come out in input order. ML.NET cursors must keep it (the default); a consumer that does not
    /// care, like a job writing a partition's rows to one file, may turn it off so a slow block does not stall those
    /// behind it.
    /// </summary>
    /// <value>The default is true.</value>
    public bool PreserveOrder { get; set; } = true;

    /// <summary>
    /// Whether blocks are mapped on the consumer's thread, with no pool and no hand-off. By default a stage runs
    /// inline when its input already runs on the consumer's thread (a job's partition-per-core mode).
    /// </summary>
    /// <value>The default is null: decided per cursor from its input.</value>
    public bool? Inline { get; set; }

    /// <summary>The worker threads this resolves to on this machine.</summary>
    internal int ResolvedWorkerThreads => WorkerThreads > 0 ? WorkerThreads : Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>The in-flight bound this resolves to.</summary>
    internal int ResolvedMaxBlocksInFlight => MaxBlocksInFlight > 0 ? MaxBlocksInFlight : ResolvedWorkerThreads + 2;

    /// <summary>Problems with the settings, one message each.</summary>
    public IEnumerable<string> Validate()
    {
        if (WorkerThreads < 0)
        {
            yield return $"WorkerThreads must not be negative (got {WorkerThreads}); 0 means every core but one.";
        }

        if (MaxBlocksInFlight < 0)
        {
            yield return $"MaxBlocksInFlight must not be negative (got {MaxBlocksInFlight}); 0 means the worker threads plus two.";
        }
    }

    /// <summary>A copy, so a transformer is not changed by later edits of the options it was built with.</summary>
    public BlockStageOptions Clone() => (BlockStageOptions)MemberwiseClone();
}
