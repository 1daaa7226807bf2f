using MlNetBatch.Jobs.Engine;
using MlNetBatch.Scoring;

namespace MlNetBatch.Tests.Jobs;

/// <summary>Where a partition's stages run: on one thread only while the partitions themselves keep every core busy.</summary>
public class ProcessorSlotsTests
{
    private static readonly int Cores = Environment.ProcessorCount;

    [Fact]
    public async Task With_a_partition_per_core_running_and_more_queued_the_stages_run_on_one_thread()
    {
        var slots = new ProcessorSlots(Cores, OnnxDevice.Cpu, () => Cores, CancellationToken.None);

        Assert.True(await slots.AcquireAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Fewer_partitions_than_cores_overlap_their_stages_and_a_released_slot_no_longer_counts()
    {
        var queued = Cores - 1;
        var slots = new ProcessorSlots(Cores, OnnxDevice.Cpu, () => queued, CancellationToken.None);

        // This partition and the queued ones: one per core.
        Assert.True(await slots.AcquireAsync(CancellationToken.None));
        slots.Release();
        queued = 0;
        // The last partition alone: its stages overlap on threads of their own.
        Assert.False(await slots.AcquireAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_parallelism_below_the_core_count_overlaps_the_stages_however_many_partitions_wait()
    {
        var slots = new ProcessorSlots(Math.Max(1, Cores - 1), OnnxDevice.Cpu, () => 1000, CancellationToken.None);

        Assert.Equal(Cores == 1, await slots.AcquireAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_model_on_a_GPU_always_overlaps_the_stages()
    {
        var slots = new ProcessorSlots(Cores, OnnxDevice.Cuda, () => 1000, CancellationToken.None);

        Assert.False(await slots.AcquireAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Slots_limit_the_partitions_running_and_a_stop_request_ends_a_wait()
    {
        using var stop = new CancellationTokenSource();
        var slots = new ProcessorSlots(1, OnnxDevice.Cpu, () => 0, stop.Token);
        await slots.AcquireAsync(CancellationToken.None);

        var waiting = slots.AcquireAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        slots.Release();
    }
}
