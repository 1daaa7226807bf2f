using MlNetBatch.Scoring.Backends;

namespace MlNetBatch.Tests.Scoring.Backends;

public class GpuExecutorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Partitions_sharing_a_device_never_run_more_than_its_limit_at_once(int limit)
    {
        var executor = new GpuExecutor(limit);
        var device = new FakeScoringBackend { Duration = TimeSpan.FromMilliseconds(30) };
        const int Partitions = 6;

        // One backend per partition, as each cursor makes its own, all behind the one executor.
        var partitions = Enumerable.Range(0, Partitions).Select(_ => new ExecutorLimitedBackend(device, executor)).ToArray();
        // Threads of their own, started together: the thread pool would add threads too slowly to show the overlap.
        using var start = new Barrier(Partitions);
        var threads = partitions.Select(partition => new Thread(() =>
        {
            start.SignalAndWait();
            for (var batch = 0; batch < 4; batch++)
            {
                partition.Run(null!, batch, 1);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(Partitions * 4, device.Runs.Count);
        Assert.True(device.MostAtOnce <= limit, $"{device.MostAtOnce} runs at once with a limit of {limit}");
        // The limit is used, not just respected: runs did overlap up to it (six threads, 30 ms runs).
        Assert.Equal(limit, device.MostAtOnce);
    }

    [Fact]
    public void One_executor_serves_each_device_whatever_later_callers_ask_for()
    {
        var first = GpuExecutor.ForDevice(deviceId: 1001, concurrentRuns: 2);

        Assert.Same(first, GpuExecutor.ForDevice(1001, 5));
        Assert.Equal(2, GpuExecutor.ForDevice(1001, 5).ConcurrentRuns);
        Assert.NotSame(first, GpuExecutor.ForDevice(1002, 2));
    }

    [Fact]
    public async Task A_run_that_throws_gives_its_place_back()
    {
        var executor = new GpuExecutor(1);
        var failing = new ExecutorLimitedBackend(new FakeScoringBackend { FailWith = (_, _) => new InvalidOperationException("boom") }, executor);
        var healthy = new FakeScoringBackend();

        Assert.Throws<InvalidOperationException>(() => failing.Run(null!, 0, 1));
        var run = Task.Run(() => new ExecutorLimitedBackend(healthy, executor).Run(null!, 0, 1));

        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Single(healthy.Runs);
    }
}
