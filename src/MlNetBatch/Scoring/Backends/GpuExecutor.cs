using System.Collections.Concurrent;

namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// The one gate to a GPU in this process: every model, partition and cursor scoring on that device goes through
/// it, so no more than <see cref="ConcurrentRuns"/> runs are on the device at once. Two let one batch's copies
/// overlap another's compute (each ONNX Runtime run gets its own CUDA stream); many more only queue on the device
/// and multiply its memory.
/// </summary>
internal sealed class GpuExecutor
{
    private static readonly ConcurrentDictionary<int, GpuExecutor> Devices = new();
    private readonly SemaphoreSlim _runs;

    /// <param name="concurrentRuns">Runs allowed on the device at once.</param>
    public GpuExecutor(int concurrentRuns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentRuns, 1);
        ConcurrentRuns = concurrentRuns;
        _runs = new SemaphoreSlim(concurrentRuns, concurrentRuns);
    }

    /// <summary>Runs allowed on the device at once.</summary>
    public int ConcurrentRuns { get; }

    /// <summary>
    /// The executor of CUDA device <paramref name="deviceId"/>, created on first use with <paramref name="concurrentRuns"/>;
    /// later callers share it, whatever limit they ask for, because the limit belongs to the device.
    /// </summary>
    public static GpuExecutor ForDevice(int deviceId, int concurrentRuns) =>
        Devices.GetOrAdd(deviceId, static (_, runs) => new GpuExecutor(runs), concurrentRuns);

    /// <summary>Waits for a free place on the device; dispose the result when the run is over.</summary>
    public Lease Enter()
    {
        _runs.Wait();
        return new Lease(_runs);
    }

    /// <summary>A place on the device, held until disposed.</summary>
    public readonly struct Lease(SemaphoreSlim runs) : IDisposable
    {
        public void Dispose() => runs.Release();
    }
}
