using System.Globalization;
using System.Text;
using System.Text.Json;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Pipeline;

/// <summary>
/// Audit: every input row once in the committed output, none invented or lost, values unchanged, with block stages
/// (pooled, unordered by default) in sequential-mode jobs, with and without bad records. Outputs are read with Parquet.Net.
/// </summary>
public class StageIntegrityAuditTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Csv_with_bad_rows_through_an_unordered_identity_stage_writes_exactly_the_good_rows_once_and_quarantines_exactly_the_bad(int parallelism)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        var bad = new HashSet<int> { 0, 7, 149, 150, 151, 400, 777, 1023, 1499, 1500, 2999 };
        const int files = 3, perFile = 1000;
        await WriteCsvAsync(dir, files, perFile, bad, new HashSet<int>());

        JobDefinition CsvJob(string sink, bool stage)
        {
            var job = TabularJobs.Parquet(dir.Combine("in", "*.csv"), RepositoryPaths.SampleModel, dir.Combine(sink));
            job.Source.Columns = new() { ["id"] = "long" };
            for (var c = 0; c < 16; c++)
            {
                job.Source.Columns[$"f{c:D2}"] = "float";
            }

            job.Source.PartitionBytes = 8192;
            job.Source.ChunkRows = 17;
            job.Model.BatchSize = 32;
            job.Sink.Columns = ["id", "probabilities", "f00", "f15"];
            job.Execution.MaxBadRecords = bad.Count;
            job.Execution.Parallelism = parallelism;
            job.Execution.PartitionRetries = 0;
            if (stage)
            {
                job.Preprocess.Insert(0, new PreprocessStep { Transform = "Identity" });
                job.Execution.PreserveRowOrder = false;
            }

            return job;
        }

        var plainSummary = await Runner(dir).RunAsync("plain", CsvJob("plain", stage: false));
        Assert.True(plainSummary.Partitions >= 4, $"only {plainSummary.Partitions} partitions");
        var stagedSummary = await Runner(dir).RunAsync("staged", CsvJob("staged", stage: true));

        var good = Enumerable.Range(0, files * perFile).Where(i => !bad.Contains(i)).Select(i => (long)i).ToList();
        var plain = await ReadOutputAsync(dir.Combine("plain"));
        var staged = await ReadOutputAsync(dir.Combine("staged"));
        Assert.Equal(good, plain.Keys.Order());
        Assert.Equal(good, staged.Keys.Order());
        Assert.Equal(good.Count, stagedSummary.RowsOut);
        Assert.Equal(bad.Count, stagedSummary.BadRows);
        foreach (var id in good)
        {
            Assert.Equal(Feature((int)id, 0), staged[id].F00);
            Assert.Equal(Feature((int)id, 15), staged[id].F15);
            Assert.Equal(plain[id].P, staged[id].P);
        }

        Assert.Equal(plainSummary.RowsOut, stagedSummary.RowsOut);
        var quarantined = Directory.GetFiles(dir.Combine("staged", "_quarantine"), "*.jsonl").SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Value").GetString()).Order().ToList();
        Assert.Equal(bad.Select(b => $"bad{b}").Order(), quarantined);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Parquet_through_a_delayed_unordered_pooled_stage_keeps_each_rows_values_with_its_id(int parallelism)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        var expectedF00 = new Dictionary<long, float>();
        var first = 0;
        for (var f = 0; f < 5; f++)
        {
            var rows = 300 + (f * 37);
            var path = dir.Combine("in", $"part-{f}.parquet");
            await TabularData.WriteParquetAsync(path, first, rows, 70 + f, seed: f + 11);
            var ids = await ParquetNetColumns.ScalarsAsync<long>(path, "id");
            var f00 = await ParquetNetColumns.ScalarsAsync<float>(path, "f00");
            for (var r = 0; r < ids.Count; r++)
            {
                expectedF00.Add(ids[r], f00[r]);
            }

            first += rows;
        }

        BlockTransformRegistry.Default.Register(new BlockTransformRegistration("AuditDelayedAddOne", _ => new AddOneTransform(maxDelayMilliseconds: 4, input: "f00")));
        JobDefinition Job(string sink, bool stage)
        {
            var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), RepositoryPaths.SampleModel, dir.Combine(sink));
            job.Source.ChunkRows = 23;
            job.Sink.Columns = stage ? ["id", "probabilities", "f00", "y"] : ["id", "probabilities", "f00"];
            job.Execution.Parallelism = parallelism;
            job.Execution.PartitionRetries = 0;
            job.Execution.PreprocessThreads = 3;
            if (stage)
            {
                job.Preprocess.Insert(0, new PreprocessStep { Transform = "Identity" });
                job.Preprocess.Insert(1, new PreprocessStep { Transform = "AuditDelayedAddOne" });
                job.Execution.PreserveRowOrder = false;
            }

            return job;
        }

        await Runner(dir).RunAsync("plain", Job("plain", stage: false));
        var summary = await Runner(dir).RunAsync("staged", Job("staged", stage: true));

        var plain = await ReadOutputAsync(dir.Combine("plain"));
        var staged = await ReadOutputAsync(dir.Combine("staged"), withY: true);
        Assert.Equal(first, summary.RowsOut);
        Assert.Equal(expectedF00.Keys.Order(), staged.Keys.Order());
        foreach (var (id, row) in staged)
        {
            Assert.Equal(expectedF00[id], row.F00);
            Assert.Equal(expectedF00[id] + 1, row.Y);
            Assert.Equal(plain[id].P, row.P);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_block_stage_after_a_row_path_stage_in_a_job_writes_every_row_once_with_its_own_values(int parallelism)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        var expectedF00 = new Dictionary<long, float>();
        var first = 0;
        for (var f = 0; f < 4; f++)
        {
            var rows = 250 + (f * 51);
            var path = dir.Combine("in", $"part-{f}.parquet");
            await TabularData.WriteParquetAsync(path, first, rows, 60, seed: f + 21);
            var ids = await ParquetNetColumns.ScalarsAsync<long>(path, "id");
            var f00 = await ParquetNetColumns.ScalarsAsync<float>(path, "f00");
            for (var r = 0; r < ids.Count; r++)
            {
                expectedF00.Add(ids[r], f00[r]);
            }

            first += rows;
        }

        BlockTransformRegistry.Default.Register(new BlockTransformRegistration("AuditAddOneAfterRow", _ => new AddOneTransform(maxDelayMilliseconds: 3, input: "f00")));
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));
        job.Preprocess.Insert(0, new PreprocessStep { Transform = "ConvertType", OutputColumn = "id2", InputColumns = ["id"], Type = "double" });
        job.Preprocess.Insert(1, new PreprocessStep { Transform = "Identity" });
        job.Preprocess.Insert(2, new PreprocessStep { Transform = "AuditAddOneAfterRow" });
        job.Source.ChunkRows = 19;
        job.Sink.Columns = ["id", "id2", "f00", "y", "probabilities"];
        job.Execution.Parallelism = parallelism;
        job.Execution.PartitionRetries = 0;
        job.Execution.PreserveRowOrder = false;

        var plan = await Runner(dir).PlanAsync("rowthenblock", job);
        Assert.Equal([PreprocessPath.Row, PreprocessPath.Block, PreprocessPath.Block], plan.Preprocess.Take(3).Select(p => p.Path));
        var summary = await Runner(dir).RunAsync("rowthenblock", job);

        Assert.Equal(first, summary.RowsOut);
        var seen = new HashSet<long>();
        foreach (var file in Directory.GetFiles(dir.Combine("out"), "*.parquet"))
        {
            var ids = await ParquetNetColumns.ScalarsAsync<long>(file, "id");
            var id2 = await ParquetNetColumns.ScalarsAsync<double>(file, "id2");
            var f00 = await ParquetNetColumns.ScalarsAsync<float>(file, "f00");
            var y = await ParquetNetColumns.ScalarsAsync<float>(file, "y");
            Assert.Equal(ids.Count, id2.Count);
            Assert.Equal(ids.Count, f00.Count);
            Assert.Equal(ids.Count, y.Count);
            for (var r = 0; r < ids.Count; r++)
            {
                Assert.True(seen.Add(ids[r]), $"id {ids[r]} written twice");
                Assert.Equal(ids[r], id2[r]);
                Assert.Equal(expectedF00[ids[r]], f00[r]);
                Assert.Equal(expectedF00[ids[r]] + 1, y[r]);
            }
        }

        Assert.Equal(expectedF00.Keys.Order(), seen.Order());
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public async Task Csv_bad_rows_then_a_row_stage_then_block_stages_keep_good_rows_once_with_their_values(int parallelism, bool keepOrder)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        var bad = new HashSet<int> { 1, 2, 3, 60, 61, 333, 599, 600, 1100, 1799 };
        var ragged = new HashSet<int> { 500, 1200 };
        const int files = 3, perFile = 600;
        await WriteCsvAsync(dir, files, perFile, bad, ragged);

        var stageName = $"AuditAddOneCsv{parallelism}{keepOrder}";
        BlockTransformRegistry.Default.Register(new BlockTransformRegistration(stageName, _ => new AddOneTransform(maxDelayMilliseconds: 3, input: "f00")));
        var job = TabularJobs.Parquet(dir.Combine("in", "*.csv"), RepositoryPaths.SampleModel, dir.Combine("out"));
        job.Source.Columns = new() { ["id"] = "long" };
        for (var c = 0; c < 16; c++)
        {
            job.Source.Columns[$"f{c:D2}"] = "float";
        }

        job.Source.PartitionBytes = 6000;
        job.Source.ChunkRows = 13;
        job.Model.BatchSize = 16;
        job.Preprocess.Insert(0, new PreprocessStep { Transform = "ConvertType", OutputColumn = "id2", InputColumns = ["id"], Type = "double" });
        job.Preprocess.Insert(1, new PreprocessStep { Transform = "Identity" });
        job.Preprocess.Insert(2, new PreprocessStep { Transform = stageName });
        job.Sink.Columns = ["id", "id2", "f00", "y", "probabilities"];
        job.Execution.MaxBadRecords = bad.Count + ragged.Count;
        job.Execution.Parallelism = parallelism;
        job.Execution.PartitionRetries = 0;
        job.Execution.PreserveRowOrder = keepOrder;

        var summary = await Runner(dir).RunAsync("csvrow", job);

        var good = Enumerable.Range(0, files * perFile).Where(i => !bad.Contains(i) && !ragged.Contains(i)).Select(i => (long)i).ToList();
        Assert.True(summary.Partitions >= 4, $"only {summary.Partitions} partitions");
        Assert.Equal(good.Count, summary.RowsOut);
        Assert.Equal(bad.Count + ragged.Count, summary.BadRows);
        var seen = new List<long>();
        foreach (var file in Directory.GetFiles(dir.Combine("out"), "*.parquet").Order())
        {
            var ids = await ParquetNetColumns.ScalarsAsync<long>(file, "id");
            var id2 = await ParquetNetColumns.ScalarsAsync<double>(file, "id2");
            var f00 = await ParquetNetColumns.ScalarsAsync<float>(file, "f00");
            var y = await ParquetNetColumns.ScalarsAsync<float>(file, "y");
            Assert.Equal(ids.Count, id2.Count);
            Assert.Equal(ids.Count, y.Count);
            if (keepOrder)
            {
                Assert.Equal(ids.Order(), ids);
            }

            for (var r = 0; r < ids.Count; r++)
            {
                Assert.Equal(ids[r], id2[r]);
                Assert.Equal(Feature((int)ids[r], 0), f00[r]);
                Assert.Equal(Feature((int)ids[r], 0) + 1, y[r]);
            }

            seen.AddRange(ids);
        }

        Assert.Equal(good, seen.Order());
        var quarantined = Directory.GetFiles(dir.Combine("out", "_quarantine"), "*.jsonl").SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(bad.Count + ragged.Count, quarantined.Count);
        Assert.Equal(
            bad.Select(b => $"bad{b}").Order(),
            quarantined.Where(q => q.TryGetProperty("Value", out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.StartsWith("bad", StringComparison.Ordinal)).Select(q => q.GetProperty("Value").GetString()).Order());
        Assert.Equal(ragged.Count, quarantined.Count(q => q.GetProperty("Reason").GetString()!.Contains("16 fields where the header has 17", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(3, 7, false)]
    [InlineData(2, 5, true)]
    [InlineData(3, 1, true)]
    public async Task Parquet_null_ids_with_block_stages_quarantine_exactly_those_rows_and_keep_the_rest_once(int parallelism, int chunkRows, bool keepOrder)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        const int files = 4, perFile = 90;
        var nulls = new HashSet<int> { 0, 9, 10, 29, 30, 95, 179, 180, 250, 359 };
        for (var f = 0; f < files; f++)
        {
            var ids = Enumerable.Range(f * perFile, perFile).Select(i => nulls.Contains(i) ? (long?)null : i).ToArray();
            var columns = new List<ParquetFiles.Column> { new(new Parquet.Schema.DataField<long?>("id"), ids) };
            for (var c = 0; c < 16; c++)
            {
                var cc = c;
                columns.Add(new(new Parquet.Schema.DataField<float>($"f{c:D2}"), Enumerable.Range(f * perFile, perFile).Select(i => Feature(i, cc)).ToArray()));
            }

            await ParquetFiles.WriteAsync(dir.Combine("in", $"part-{f}.parquet"), 10 + f, [.. columns]);
        }

        var stageName = $"AuditAddOneNulls{parallelism}{chunkRows}{keepOrder}";
        BlockTransformRegistry.Default.Register(new BlockTransformRegistration(stageName, _ => new AddOneTransform(maxDelayMilliseconds: 2, input: "f00")));
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));
        job.Source.ChunkRows = chunkRows;
        job.Model.BatchSize = 8;
        job.Preprocess.Insert(0, new PreprocessStep { Transform = "Identity" });
        job.Preprocess.Insert(1, new PreprocessStep { Transform = stageName });
        job.Sink.Columns = ["id", "f00", "y", "probabilities"];
        job.Execution.MaxBadRecords = nulls.Count;
        job.Execution.Parallelism = parallelism;
        job.Execution.PartitionRetries = 0;
        job.Execution.PreprocessThreads = 2;
        job.Execution.PreserveRowOrder = keepOrder;

        var summary = await Runner(dir).RunAsync("nulls", job);

        var good = Enumerable.Range(0, files * perFile).Where(i => !nulls.Contains(i)).Select(i => (long)i).ToList();
        Assert.Equal(good.Count, summary.RowsOut);
        Assert.Equal(nulls.Count, summary.BadRows);
        var seen = new List<long>();
        foreach (var file in Directory.GetFiles(dir.Combine("out"), "*.parquet"))
        {
            var ids = await ParquetNetColumns.ScalarsAsync<long>(file, "id");
            var f00 = await ParquetNetColumns.ScalarsAsync<float>(file, "f00");
            var y = await ParquetNetColumns.ScalarsAsync<float>(file, "y");
            Assert.Equal(ids.Count, f00.Count);
            Assert.Equal(ids.Count, y.Count);
            if (keepOrder)
            {
                Assert.Equal(ids.Order(), ids);
            }

            for (var r = 0; r < ids.Count; r++)
            {
                Assert.Equal(Feature((int)ids[r], 0), f00[r]);
                Assert.Equal(Feature((int)ids[r], 0) + 1, y[r]);
            }

            seen.AddRange(ids);
        }

        Assert.Equal(good, seen.Order());
        var quarantined = Directory.GetFiles(dir.Combine("out", "_quarantine"), "*.jsonl").SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(nulls.Count, quarantined.Count);
        Assert.All(quarantined, q => Assert.Equal("id", q.GetProperty("Column").GetString()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Transient_read_faults_retried_after_bad_rows_were_seen_give_exactly_once_output_and_quarantine_through_block_stages(int parallelism)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        const int files = 2, perFile = 500;
        var bad = Enumerable.Range(0, files * perFile).Where(i => i % 37 == 3).ToHashSet();
        await WriteCsvAsync(dir, files, perFile, bad, new HashSet<int>());

        var stageName = $"AuditAddOneRetry{parallelism}";
        BlockTransformRegistry.Default.Register(new BlockTransformRegistration(stageName, _ => new AddOneTransform(maxDelayMilliseconds: 2, input: "f00")));
        var job = TabularJobs.Parquet(dir.Combine("in", "*.csv"), RepositoryPaths.SampleModel, dir.Combine("out"));
        job.Source.Columns = new() { ["id"] = "long" };
        for (var c = 0; c < 16; c++)
        {
            job.Source.Columns[$"f{c:D2}"] = "float";
        }

        job.Source.PartitionBytes = 6000;
        job.Source.ChunkRows = 5;
        job.Model.BatchSize = 8;
        job.Preprocess.Insert(0, new PreprocessStep { Transform = "Identity" });
        job.Preprocess.Insert(1, new PreprocessStep { Transform = stageName });
        job.Sink.Columns = ["id", "f00", "y"];
        job.Execution.MaxBadRecords = bad.Count;
        job.Execution.Parallelism = parallelism;
        job.Execution.PartitionRetries = 8;
        job.Execution.RetryDelay = TimeSpan.FromMilliseconds(1);
        // Faults in the input's streams only: how often the commit protocol reads its own lease and manifest must not
        // decide which partition reads break.
        var faults = new FaultInjectingObjectStore(new LocalObjectStore(), failEveryRequest: 1_000_000, failEveryStream: 3, streamsOf: l => l.Name.EndsWith(".csv", StringComparison.Ordinal));
        var resolver = new ObjectStoreResolver([new RetryingObjectStore(faults, maxRetries: 5, baseDelay: TimeSpan.FromMilliseconds(1))]);

        var summary = await new JobRunner(resolver, new JobPaths(dir.Path)).RunAsync("failonce", job).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(faults.InjectedFaults >= 2, $"only {faults.InjectedFaults} injected faults");
        var good = Enumerable.Range(0, files * perFile).Where(i => !bad.Contains(i)).Select(i => (long)i).ToList();
        Assert.Equal(good.Count, summary.RowsOut);
        Assert.Equal(bad.Count, summary.BadRows);
        var seen = new List<long>();
        foreach (var file in Directory.GetFiles(dir.Combine("out"), "*.parquet"))
        {
            var ids = await ParquetNetColumns.ScalarsAsync<long>(file, "id");
            var f00 = await ParquetNetColumns.ScalarsAsync<float>(file, "f00");
            var y = await ParquetNetColumns.ScalarsAsync<float>(file, "y");
            for (var r = 0; r < ids.Count; r++)
            {
                Assert.Equal(Feature((int)ids[r], 0), f00[r]);
                Assert.Equal(Feature((int)ids[r], 0) + 1, y[r]);
            }

            seen.AddRange(ids);
        }

        Assert.Equal(good, seen.Order());
        var quarantined = Directory.GetFiles(dir.Combine("out", "_quarantine"), "*.jsonl").SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Value").GetString()).Order().ToList();
        Assert.Equal(bad.Select(b => $"bad{b}").Order(), quarantined);
    }

    /// <summary>
    /// Writes <paramref name="files"/> CSV files of <paramref name="perFile"/> rows (id + 16 features) into <c>in</c>:
    /// rows in <paramref name="bad"/> have an unparseable f00, rows in <paramref name="ragged"/> lack their last field.
    /// </summary>
    private static async Task WriteCsvAsync(TempDirectory dir, int files, int perFile, IReadOnlySet<int> bad, IReadOnlySet<int> ragged)
    {
        for (var f = 0; f < files; f++)
        {
            var text = new StringBuilder("id," + string.Join(",", Enumerable.Range(0, 16).Select(c => $"f{c:D2}")) + "\n");
            for (var i = f * perFile; i < (f + 1) * perFile; i++)
            {
                var feats = Enumerable.Range(0, 16).Select(c => Feature(i, c).ToString("R", Inv)).ToArray();
                if (bad.Contains(i))
                {
                    feats[0] = $"bad{i}";
                }

                text.Append(i).Append(',').Append(string.Join(",", ragged.Contains(i) ? feats[..15] : feats)).Append('\n');
            }

            await File.WriteAllTextAsync(dir.Combine("in", $"part-{f}.csv"), text.ToString());
        }
    }

    private static float Feature(int id, int column) => (float)(((id * 31) + (column * 7)) % 101) / 101f;

    private sealed record Row(float F00, float F15, float Y, float[] P);

    private static async Task<Dictionary<long, Row>> ReadOutputAsync(string dir, bool withY = false)
    {
        var result = new Dictionary<long, Row>();
        foreach (var file in Directory.GetFiles(dir, "*.parquet"))
        {
            var ids = await ParquetNetColumns.ScalarsAsync<long>(file, "id");
            var p = await ParquetNetColumns.ListsAsync<float>(file, "probabilities");
            var f00 = await ParquetNetColumns.ScalarsAsync<float>(file, "f00");
            var hasF15 = !withY && await HasColumnAsync(file, "f15");
            var f15 = hasF15 ? await ParquetNetColumns.ScalarsAsync<float>(file, "f15") : null;
            var y = withY ? await ParquetNetColumns.ScalarsAsync<float>(file, "y") : null;
            Assert.Equal(ids.Count, p.Count);
            Assert.Equal(ids.Count, f00.Count);
            for (var r = 0; r < ids.Count; r++)
            {
                Assert.True(result.TryAdd(ids[r], new Row(f00[r], f15?[r] ?? float.NaN, y?[r] ?? float.NaN, p[r])), $"id {ids[r]} written twice in {dir}");
            }
        }

        return result;
    }

    private static async Task<bool> HasColumnAsync(string file, string column)
    {
        await using var reader = await Parquet.ParquetReader.CreateAsync(file);
        return reader.Schema.GetDataFields().Any(f => f.Name == column);
    }

    private static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
}
