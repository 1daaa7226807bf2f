using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Jobs.Commit;
using MlNetBatch.Tests.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs;

/// <summary>
/// Jobs with at least a partition per core left read, score and write each partition on one thread (sequential
/// cursors), and commit it after handing its processor to the next partition. These jobs have four or more
/// partitions per core, so most of their partitions take the sequential path, whatever the machine.
/// </summary>
public class SequentialPartitionTests
{
    private static readonly int ManyPartitions = 4 * Environment.ProcessorCount;

    [Fact]
    public async Task Many_multi_chunk_partitions_score_every_row_once_as_an_independent_reader_sees_them()
    {
        using var dir = new TempDirectory();
        var rows = 150 * ManyPartitions;
        var (csv, features) = await BlockPathTests.WriteCsvAsync(dir, rows);
        var model = TestModels.Tabular(dir);
        var expected = RawOnnx.RunTabular(model, features, rows, out var labels);
        var job = TabularJobs.Parquet(csv, model, dir.Combine("out"));
        job.Source.PartitionBytes = 8192;
        job.Source.ChunkRows = 25;
        job.Model.BatchSize = 16;
        job.Sink.Columns = ["id", "name", "probabilities", "label"];
        job.Execution.Parallelism = Environment.ProcessorCount;

        var summary = await Runner(dir).RunAsync("many", job);

        Assert.True(summary.Partitions >= ManyPartitions, $"only {summary.Partitions} partitions");
        Assert.Equal(rows, summary.RowsIn);
        Assert.Equal(rows, summary.RowsOut);
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.inprogress"));
        var seen = new bool[rows];
        var files = Directory.GetFiles(dir.Combine("out"), "*.parquet");
        Assert.Equal(summary.Partitions, files.Length);
        foreach (var file in files)
        {
            // Parquet.Net shares no code with the writer or with MlNetBatch's readers.
            var ids = await ParquetNetColumns.ScalarsAsync<long>(file, "id");
            var names = await ParquetNetColumns.TextAsync(file, "name");
            var probabilities = await ParquetNetColumns.ListsAsync<float>(file, "probabilities");
            var fileLabels = await ParquetNetColumns.ScalarsAsync<long>(file, "label");
            Assert.Equal(ids.Count, names.Count);
            Assert.Equal(ids.Count, probabilities.Count);
            for (var r = 0; r < ids.Count; r++)
            {
                var id = (int)ids[r];
                Assert.False(seen[id], $"row {id} written twice");
                seen[id] = true;
                Assert.Equal($"row {id}, \"quoted\"", names[r]);
                Assert.Equal(expected[2 * id], probabilities[r][0], 5);
                Assert.Equal(expected[(2 * id) + 1], probabilities[r][1], 5);
                Assert.Equal(labels[id], fileLabels[r]);
            }
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public async Task Malformed_rows_and_rows_the_model_fails_on_are_quarantined_once_across_many_partitions()
    {
        using var dir = new TempDirectory();
        const int rows = 1200;
        var malformed = new HashSet<int> { 3, 250, 251, 777, 1199 };
        var modelFails = new HashSet<int> { 0, 64, 500, 501, 502, 1100 };
        var text = new StringBuilder("id,idx,name\n");
        for (var i = 0; i < rows; i++)
        {
            var idx = malformed.Contains(i) ? "oops" : (modelFails.Contains(i) ? 10 + i : i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
            text.Append(i).Append(',').Append(idx).Append(",row ").Append(i).Append('\n');
        }

        await File.WriteAllTextAsync(dir.Combine("in.csv"), text.ToString());
        var job = new JobDefinition
        {
            Source = new SourceDefinition
            {
                Path = dir.Combine("in.csv"),
                Columns = new() { ["id"] = "long", ["idx"] = "long", ["name"] = "string" },
                PartitionBytes = 1024,
                ChunkRows = 10,
            },
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = TestModels.FailsOnBadIndex(dir), Device = OnnxDevice.Cpu, BatchSize = 8 },
            Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["id", "name", "value"] },
            Execution = new ExecutionOptions { MaxBadRecords = 11, Parallelism = Environment.ProcessorCount, RetryDelay = TimeSpan.FromMilliseconds(10) },
        };

        var summary = await Runner(dir).RunAsync("bad", job);

        Assert.True(summary.Partitions >= ManyPartitions, $"only {summary.Partitions} partitions");
        Assert.Equal(rows, summary.RowsIn);
        Assert.Equal(11, summary.BadRows);
        Assert.Equal(rows - 11, summary.RowsOut);
        var output = new MLContext().Data.LoadFromParquet(dir.Combine("out"));
        var ids = DataViewReader.Column<long>(output, "id");
        var names = DataViewReader.Text(output, "name");
        var values = DataViewReader.Vectors(output, "value");
        Assert.Equal(Enumerable.Range(0, rows).Where(i => !malformed.Contains(i) && !modelFails.Contains(i)).Select(i => (long)i), ids.Order());
        for (var r = 0; r < ids.Count; r++)
        {
            Assert.Equal($"row {ids[r]}", names[r]);
            Assert.Equal(ids[r] % 4 * 10, values[r][0]);
        }

        var quarantined = Directory.GetFiles(dir.Combine("out", "_quarantine")).SelectMany(File.ReadLines).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(11, quarantined.Count);
        var reasons = quarantined.ToLookup(q => q.GetProperty("Reason").GetString()!.Contains("model 'lookup.onnx' failed on this row", StringComparison.Ordinal));
        Assert.Equal(modelFails.Count, reasons[true].Count());
        Assert.Equal(malformed.Count, reasons[false].Count());
        Assert.All(reasons[false], q => Assert.Equal("oops", q.GetProperty("Value").GetString()));
    }

    [Fact]
    public async Task Transient_faults_with_one_processor_are_retried_and_the_output_equals_a_clean_run()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        for (var f = 0; f < ManyPartitions; f++)
        {
            await TabularData.WriteParquetAsync(dir.Combine("in", $"part-{f}.parquet"), f * 120, 120, 40, seed: f + 1);
        }

        var model = TestModels.Tabular(dir);
        var clean = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), model, dir.Combine("clean"));
        var flaky = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), model, dir.Combine("flaky"));
        clean.Source.ChunkRows = flaky.Source.ChunkRows = 20;
        flaky.Execution.Parallelism = 1;
        flaky.Execution.PartitionRetries = 8;
        await Runner(dir).RunAsync("clean", clean);
        var faults = new FaultInjectingObjectStore(new LocalObjectStore(), failEveryRequest: 7, failEveryStream: 3);
        var resolver = new ObjectStoreResolver([new RetryingObjectStore(faults, maxRetries: 5, baseDelay: TimeSpan.FromMilliseconds(1))]);

        // A processor not given back after a failed attempt would hang the retry: bound the wait.
        var summary = await new JobRunner(resolver, new JobPaths(dir.Path)).RunAsync("flaky", flaky).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(faults.InjectedFaults > 3, $"only {faults.InjectedFaults} faults were injected");
        Assert.Equal(120 * ManyPartitions, summary.RowsOut);
        Assert.Empty(Directory.GetFiles(dir.Combine("flaky"), "*.inprogress"));
        var ml = new MLContext();
        Assert.Equal(ExactlyOnceTests.ScoresById(ml, dir.Combine("clean")), ExactlyOnceTests.ScoresById(ml, dir.Combine("flaky")));
    }

    [Fact]
    public async Task A_corrupt_partition_fails_the_job_naming_the_file_leaves_no_temporary_files_and_the_rerun_completes()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        for (var f = 0; f < ManyPartitions; f++)
        {
            await TabularData.WriteParquetAsync(dir.Combine("in", $"part-{f:D2}.parquet"), f * 100, 100, 100, seed: f + 1);
        }

        var broken = dir.Combine("in", $"part-{ManyPartitions / 2:D2}.parquet");
        var good = await File.ReadAllBytesAsync(broken);
        var bytes = good.ToArray();
        // The footer stays readable, so planning succeeds; the pages are garbage.
        Array.Fill(bytes, (byte)0xFF, 4, bytes.Length / 2);
        await File.WriteAllBytesAsync(broken, bytes);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        job.Execution.Parallelism = Environment.ProcessorCount;

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("corrupt", job));

        Assert.Contains(Path.GetFileName(broken), error.Message);
        Assert.Contains("is corrupt", error.Message);
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.inprogress"));
        Assert.False(File.Exists(dir.Combine("out", "_SUCCESS")));

        await File.WriteAllBytesAsync(broken, good);
        var rerun = await Runner(dir).RunAsync("corrupt", job);
        Assert.Equal(ManyPartitions, rerun.Partitions);
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 100 * ManyPartitions));
    }

    [Fact]
    public async Task A_stop_request_does_not_start_a_partition_that_was_still_waiting_for_a_processor()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 4);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));
        job.Execution.Parallelism = 1;
        using var stop = new CancellationTokenSource();
        var store = new StopWhileOneWaits(new LocalObjectStore(), stop);
        var runner = new JobRunner(new ObjectStoreResolver([store]), new JobPaths(dir.Path));

        var interrupted = await Assert.ThrowsAsync<JobInterruptedException>(() => runner.RunAsync("stop", job, new JobRunOptions(), stop.Token));

        Assert.True(store.Stopped, "the stop was never requested");
        // The partition being scored when the stop came finishes and commits; the one that had only taken its
        // output file and was waiting for the processor must not start.
        Assert.Equal(1, interrupted.Committed);
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.inprogress"));
        var resumed = await Runner(dir).RunAsync("stop", job);
        Assert.Equal(1, resumed.ResumedPartitions);
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 4 * 250));
    }

    private static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));

    /// <summary>
    /// Requests a stop while the first partition reads its input and a second partition has created its output
    /// and waits for the processor (Parallelism 1 runs two workers: one scoring, one waiting).
    /// </summary>
    private sealed class StopWhileOneWaits(IObjectStore inner, CancellationTokenSource stop) : IObjectStore
    {
        private int _outputs;

        public bool Stopped { get; private set; }

        public bool CanHandle(ObjectLocation location) => inner.CanHandle(location);

        public async IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var info in inner.ListAsync(prefix, cancellationToken))
            {
                yield return info;
            }
        }

        public Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default) => inner.StatAsync(location, cancellationToken);

        public async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default)
        {
            if (!Stopped && Volatile.Read(ref _outputs) >= 1 && location.Name.EndsWith(".parquet", StringComparison.Ordinal))
            {
                // The first partition holds the processor and reads; wait until the second has taken its output file.
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (Volatile.Read(ref _outputs) < 2 && waited.Elapsed < TimeSpan.FromSeconds(20))
                {
                    await Task.Delay(10, CancellationToken.None);
                }

                await Task.Delay(200, CancellationToken.None);
                Stopped = true;
                await stop.CancelAsync();
            }

            return await inner.OpenReadAsync(location, expected, cancellationToken);
        }

        public Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default)
        {
            if (location.Name.EndsWith(".parquet", StringComparison.Ordinal) && !location.Name.StartsWith('_'))
            {
                Interlocked.Increment(ref _outputs);
            }

            return inner.CreateAsync(location, cancellationToken);
        }

        public Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default) => inner.DeleteAsync(location, cancellationToken);

        public Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
            inner.TryCreateNewAsync(location, content, cancellationToken);

        public Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default) =>
            inner.TryReplaceAsync(location, content, expectedVersion, cancellationToken);
    }
}
