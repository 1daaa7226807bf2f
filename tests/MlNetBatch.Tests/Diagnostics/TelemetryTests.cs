using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using MlNetBatch.Diagnostics;
using MlNetBatch.Jobs;
using MlNetBatch.Tests.Jobs.Progress;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Diagnostics;

/// <summary>The MlNetBatch meter and activity source, heard through the listeners an exporter uses.</summary>
public class TelemetryTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public async Task A_jobs_instruments_count_its_rows_bytes_batches_and_partitions(int parallelism)
    {
        using var dir = new TempDirectory();
        // Other tests run jobs at the same time: only this job's measurements count.
        var name = $"metrics-{Guid.NewGuid():N}";
        using var heard = new HeardMeasurements(name);

        var summary = await StatsJobs.Runner(dir).RunAsync(name, StatsJobs.Trips(dir, "out", parallelism));

        Assert.Equal(summary.RowsIn, heard.Sum("mlnetbatch.rows.read"));
        Assert.Equal(summary.RowsOut, heard.Sum("mlnetbatch.rows.scored"));
        Assert.Equal(summary.RowsOut, heard.Sum("mlnetbatch.rows.written"));
        Assert.Equal(summary.BadRows, heard.Sum("mlnetbatch.rows.bad"));
        Assert.Equal(Directory.GetFiles(dir.Combine("out", "_quarantine")).SelectMany(File.ReadLines).Count(), heard.Sum("mlnetbatch.rows.bad"));
        Assert.Equal(summary.Partitions, heard.Count("mlnetbatch.partition.duration"));
        Assert.Equal(summary.RowsOut, heard.Sum("mlnetbatch.score.batch.size"));
        Assert.Equal(heard.Count("mlnetbatch.score.batch.size"), heard.Count("mlnetbatch.score.batch.duration"));
        Assert.True(heard.Count("mlnetbatch.score.batch.size") >= summary.Partitions);

        // Every byte read and written was the local file system's: the input's and, besides, the lease's and manifest's.
        var input = summary.Stages.Single(s => s.Name == "read").Bytes!.Value;
        Assert.InRange(heard.Sum("mlnetbatch.storage.bytes.read", scheme: "file"), input, input + 64 * 1024);
        Assert.True(heard.Sum("mlnetbatch.storage.bytes.written", scheme: "file") > summary.OutputFiles.Sum(f => new FileInfo(f).Length));
        Assert.Equal(0, heard.Sum("mlnetbatch.storage.bytes.written", scheme: "s3"));
    }

    [Fact]
    public async Task Queue_depths_are_observed_per_stage_while_a_job_runs()
    {
        using var dir = new TempDirectory();
        var name = $"queues-{Guid.NewGuid():N}";
        using var heard = new HeardMeasurements(name);
        var job = await StatsJobs.SlowAsync(dir, "out", parallelism: 1);
        job.Execution.PreprocessThreads = 1;

        var run = StatsJobs.Runner(dir).RunAsync(name, job);
        while (!run.IsCompleted)
        {
            heard.Listener.RecordObservableInstruments();
            await Task.Delay(20);
        }

        await run;
        // With one partition at a time on more than one core, the stages overlap and fill the queues between them;
        // on one core they run one after another and there are no queues to watch.
        if (Environment.ProcessorCount > 1)
        {
            Assert.Contains(StatsJobs.SlowStep, heard.Stages("mlnetbatch.queue.depth"));
            Assert.Contains("read", heard.Stages("mlnetbatch.queue.depth"));
        }

        heard.Listener.RecordObservableInstruments();
        var after = heard.Count("mlnetbatch.queue.depth");
        heard.Listener.RecordObservableInstruments();
        Assert.Equal(after, heard.Count("mlnetbatch.queue.depth"));
    }

    [Fact]
    public async Task A_run_has_one_activity_and_each_partition_one_beneath_it()
    {
        using var dir = new TempDirectory();
        var name = $"traces-{Guid.NewGuid():N}";
        using var heard = new HeardActivities(name);

        var summary = await StatsJobs.Runner(dir).RunAsync(name, StatsJobs.Trips(dir, "out", parallelism: 2));

        var run = Assert.Single(heard.Stopped, a => a.OperationName == "mlnetbatch.job.run");
        var partitions = heard.Stopped.Where(a => a.OperationName == "mlnetbatch.job.partition").ToList();
        Assert.Equal(summary.Partitions, partitions.Count);
        Assert.All(partitions, p => Assert.Equal(run.SpanId, p.ParentSpanId));
        Assert.Equal(summary.Partitions, partitions.Select(p => p.GetTagItem("mlnetbatch.partition")).Distinct().Count());
        Assert.All(heard.Stopped, a => Assert.NotEqual(ActivityStatusCode.Error, a.Status));
    }

    [Fact]
    public async Task A_failed_run_and_its_failed_partition_carry_the_error()
    {
        using var dir = new TempDirectory();
        var name = $"failing-{Guid.NewGuid():N}";
        using var heard = new HeardActivities(name);
        var job = StatsJobs.Trips(dir, "out", parallelism: 1);
        job.Execution.MaxBadRecords = 0;

        await Assert.ThrowsAsync<JobFailedException>(() => StatsJobs.Runner(dir).RunAsync(name, job));

        var run = Assert.Single(heard.Stopped, a => a.OperationName == "mlnetbatch.job.run");
        Assert.Equal(ActivityStatusCode.Error, run.Status);
        Assert.Contains("not a date-time", run.StatusDescription);
        Assert.Contains(heard.Stopped, a => a.OperationName == "mlnetbatch.job.partition" && a.Status == ActivityStatusCode.Error);
    }

    /// <summary>The MlNetBatch meter's measurements of one job.</summary>
    private sealed class HeardMeasurements : IDisposable
    {
        private readonly ConcurrentQueue<(string Instrument, double Value, string? Scheme, string? Stage)> _heard = new();

        public HeardMeasurements(string job)
        {
            Listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MlNetBatchTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            Listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(job, i, v, tags));
            Listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(job, i, v, tags));
            Listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(job, i, v, tags));
            Listener.Start();
        }

        public MeterListener Listener { get; } = new();

        public double Sum(string instrument, string? scheme = null) =>
            _heard.Where(h => h.Instrument == instrument && (scheme is null || h.Scheme == scheme)).Sum(h => h.Value);

        public int Count(string instrument) => _heard.Count(h => h.Instrument == instrument);

        public HashSet<string?> Stages(string instrument) => [.. _heard.Where(h => h.Instrument == instrument).Select(h => h.Stage)];

        public void Dispose() => Listener.Dispose();

        private void Record(string job, Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? ofJob = null, scheme = null, stage = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "mlnetbatch.job": ofJob = tag.Value as string; break;
                    case "mlnetbatch.store.scheme": scheme = tag.Value as string; break;
                    case "mlnetbatch.stage": stage = tag.Value as string; break;
                }
            }

            if (ofJob == job)
            {
                _heard.Enqueue((instrument.Name, value, scheme, stage));
            }
        }
    }

    /// <summary>The MlNetBatch activities of one job, as they stop.</summary>
    private sealed class HeardActivities : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();

        public HeardActivities(string job)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == MlNetBatchTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (activity.GetTagItem("mlnetbatch.job") as string == job)
                    {
                        _stopped.Enqueue(activity);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Stopped => [.. _stopped];

        public void Dispose() => _listener.Dispose();
    }
}
