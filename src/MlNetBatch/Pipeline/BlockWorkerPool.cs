using System.Collections.Concurrent;

namespace MlNetBatch.Pipeline;

/// <summary>
/// Dedicated threads that map blocks for every block stage of the process configured with the same thread count.
/// Not the .NET thread pool: cursors block their callers while they wait, and blocked pool threads would starve
/// the very work they wait for.
/// </summary>
internal sealed class BlockWorkerPool
{
    private static readonly ConcurrentDictionary<int, BlockWorkerPool> SharedPools = new();

    // Unbounded: each cursor bounds what it queues by its blocks in flight.
    private readonly BlockingCollection<IBlockWork> _work = new(new ConcurrentQueue<IBlockWork>());

    private BlockWorkerPool(int threads)
    {
        Threads = threads;
        for (var i = 0; i < threads; i++)
        {
            // Background threads that live as long as the process, idle when no stage has work.
            new Thread(Work) { IsBackground = true, Name = $"MlNetBatch block stage {i + 1}/{threads}" }.Start();
        }
    }

    /// <summary>How many threads map blocks.</summary>
    public int Threads { get; }

    /// <summary>The process's pool of <paramref name="threads"/> threads, started on first use.</summary>
    public static BlockWorkerPool Shared(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        return SharedPools.GetOrAdd(threads, static count => new BlockWorkerPool(count));
    }

    /// <summary>Queues <paramref name="work"/> for the next free thread.</summary>
    public void Post(IBlockWork work) => _work.Add(work);

    private void Work()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            // Run never throws: a block's failure travels with the block to its consumer.
            work.Run();
        }
    }
}

/// <summary>A unit of work for the <see cref="BlockWorkerPool"/>; it reports its own failures.</summary>
internal interface IBlockWork
{
    /// <summary>Does the work; must not throw.</summary>
    void Run();
}
