using MlNetBatch.Scoring;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// A run's turns on the processors: a partition's reading, scoring and writing hold one of
/// <see cref="ExecutionOptions.Parallelism"/> slots; its commit, which mostly waits for the disk, does not. Each turn
/// also decides where the partition's stages run (see <see cref="RunsSequentially"/>).
/// </summary>
internal sealed class ProcessorSlots
{
    // Never disposed: a partition abandoned at the end of the shutdown grace period may still give its slot back later.
    private readonly SemaphoreSlim _slots;
    private readonly int _parallelism;
    private readonly OnnxDevice _device;
    private readonly Func<int> _queued;
    private readonly CancellationToken _stopToken;
    private int _wanting;

    /// <param name="parallelism">How many partitions are read, scored and written at a time.</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="queued">How many partitions are still queued.</param>
    /// <param name="stopToken">After a stop request, a partition still waiting for a slot does not start.</param>
    public ProcessorSlots(int parallelism, OnnxDevice device, Func<int> queued, CancellationToken stopToken)
    {
        _slots = new SemaphoreSlim(parallelism);
        _parallelism = parallelism;
        _device = device;
        _queued = queued;
        _stopToken = stopToken;
    }

    /// <summary>
    /// Waits for a slot; give it back with <see cref="Release"/>. Returns whether the partition's stages run one after
    /// another on the calling thread.
    /// </summary>
    public async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _wanting);
        try
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopToken);
            await _slots.WaitAsync(waiting.Token).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _wanting);
            throw;
        }

        return RunsSequentially(Volatile.Read(ref _wanting) + _queued());
    }

    /// <summary>Gives back the slot <see cref="AcquireAsync"/> took.</summary>
    public void Release()
    {
        Interlocked.Decrement(ref _wanting);
        _slots.Release();
    }

    /// <summary>
    /// Whether a partition's stages run one after another on one thread. On the CPU, while as many partitions run at
    /// once as there are cores (<paramref name="partitionsLeft"/> counts those holding or waiting for a slot and those
    /// queued), the partitions already keep every core busy, and overlapping each one's read, score and write on
    /// threads of their own would only add hand-offs and thread switches. Partitions at the end of a job, a
    /// Parallelism below the core count, or a model on a GPU keep the overlapping stages.
    /// </summary>
    private bool RunsSequentially(int partitionsLeft) =>
        _device == OnnxDevice.Cpu && Math.Min(_parallelism, partitionsLeft) >= Environment.ProcessorCount;
}
