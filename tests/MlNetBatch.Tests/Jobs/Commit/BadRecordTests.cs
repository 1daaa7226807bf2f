using System.Text;
using System.Text.Json;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

public class BadRecordTests
{
    [Fact]
    public async Task Bad_rows_within_the_limit_go_to_the_quarantine_and_the_good_ones_are_scored()
    {
        using var dir = new TempDirectory();
        var csv = await WriteCsvAsync(dir, rows: 200, bad: new Dictionary<int, string>
        {
            [17] = "17,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5", // one field short: ragged
            [42] = "42,x7,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5", // unparseable number
        });
        var job = CsvJob(dir, csv);
        job.Execution.MaxBadRecords = 5;

        var summary = await Runner(dir).RunAsync("lenient", job);

        Assert.Equal(200, summary.RowsIn);
        Assert.Equal(198, summary.RowsOut);
        Assert.Equal(2, summary.BadRows);
        var ids = DataViewReader.Column<long>(new MLContext().Data.LoadFromParquet(dir.Combine("out")), "id");
        Assert.Equal(Enumerable.Range(0, 200).Where(i => i is not 17 and not 42).Select(i => (long)i), ids.Order());

        var quarantine = Directory.GetFiles(dir.Combine("out", "_quarantine"), "*.jsonl").SelectMany(File.ReadLines).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, quarantine.Count);
        var ragged = quarantine.Single(q => q.GetProperty("Row").GetInt64() == 17);
        Assert.Contains("16 fields where the header has 17", ragged.GetProperty("Reason").GetString());
        Assert.EndsWith("in.csv", ragged.GetProperty("File").GetString());
        Assert.True(ragged.GetProperty("ByteOffset").GetInt64() > 0);
        var unparseable = quarantine.Single(q => q.GetProperty("Row").GetInt64() == 42);
        Assert.Equal("f00", unparseable.GetProperty("Column").GetString());
        Assert.Equal("x7", unparseable.GetProperty("Value").GetString());
    }

    [Fact]
    public async Task A_bad_row_in_the_fitting_sample_is_quarantined_by_a_tolerant_job_and_named_by_a_strict_one()
    {
        using var dir = new TempDirectory();
        var csv = await WriteCsvAsync(dir, rows: 100, bad: new Dictionary<int, string> { [5] = "5,ragged" });
        var job = CsvJob(dir, csv);
        // Learns a mean from the first rows, the bad one among them.
        job.Preprocess.Insert(0, new PreprocessStep { Transform = "ReplaceMissingValues", InputColumns = ["f00"], OutputColumn = "filled", Replacement = MlNetBatch.Pipeline.Stages.Tabular.MissingValueReplacement.Mean });
        job.Execution.MaxBadRecords = 1;

        var summary = await Runner(dir).RunAsync("tolerant", job);

        Assert.Equal((100L, 99L, 1L), (summary.RowsIn, summary.RowsOut, summary.BadRows));
        job.Execution.MaxBadRecords = 0;
        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("strict", job, new JobRunOptions { Restart = true }, CancellationToken.None));
        Assert.Contains("fitting the preprocessing on the source's first rows", error.Message);
        Assert.Contains("in.csv, row 5", error.Message);
    }

    [Fact]
    public async Task Too_many_bad_rows_fail_the_job_with_the_first_one_and_how_to_relax_the_limit()
    {
        using var dir = new TempDirectory();
        var csv = await WriteCsvAsync(dir, rows: 100, bad: new Dictionary<int, string> { [10] = "10,a", [11] = "11,b", [12] = "12,c" });
        var job = CsvJob(dir, csv);
        job.Execution.MaxBadRecords = 2;

        var error = await Assert.ThrowsAsync<BadRecordLimitExceededException>(() => Runner(dir).RunAsync("limited", job));

        Assert.Contains("3 bad rows exceed", error.Message);
        Assert.Contains("in.csv, row 10", error.Message);
        Assert.Contains("Execution:MaxBadRecords", error.Message);
        Assert.False(File.Exists(dir.Combine("out", "_SUCCESS")));
    }

    [Fact]
    public async Task The_strict_default_fails_on_the_first_bad_row_and_says_how_to_quarantine_instead()
    {
        using var dir = new TempDirectory();
        var csv = await WriteCsvAsync(dir, rows: 50, bad: new Dictionary<int, string> { [5] = "5,oops,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1" });

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("strict", CsvJob(dir, csv)));

        Assert.Contains("column 'f00', row 5: cannot parse 'oops' as float", error.Message);
        Assert.Contains("set Execution:MaxBadRecords or Execution:MaxBadRecordRatio", error.Message);
    }

    [Fact]
    public async Task A_bad_row_ratio_tolerates_a_fraction_of_the_rows_read()
    {
        using var dir = new TempDirectory();
        var bad = Enumerable.Range(0, 10).ToDictionary(i => 100 + (i * 50), i => $"{100 + (i * 50)},bad");
        var csv = await WriteCsvAsync(dir, rows: 1000, bad: bad);
        var job = CsvJob(dir, csv);
        job.Source.PartitionBytes = 4096;
        job.Execution.MaxBadRecordRatio = 0.05;
        job.Execution.Parallelism = 1;

        var summary = await Runner(dir).RunAsync("ratio", job);

        Assert.Equal(10, summary.BadRows);
        Assert.Equal(990, summary.RowsOut);
    }

    [Fact]
    public async Task A_ratio_alone_tolerates_bad_rows_in_the_very_first_partition()
    {
        using var dir = new TempDirectory();
        var csv = await WriteCsvAsync(dir, rows: 400, bad: new Dictionary<int, string> { [0] = "0,bad", [3] = "3,bad" });
        var job = CsvJob(dir, csv);
        job.Source.PartitionBytes = 4096;
        job.Execution.MaxBadRecordRatio = 0.01;

        var summary = await Runner(dir).RunAsync("early", job);

        Assert.Equal(2, summary.BadRows);
        Assert.Equal(398, summary.RowsOut);
    }

    [Fact]
    public async Task When_fixed_input_is_scored_again_its_old_quarantine_file_goes()
    {
        using var dir = new TempDirectory();
        var csv = await WriteCsvAsync(dir, rows: 50, bad: new Dictionary<int, string> { [5] = "5,bad" });
        var job = CsvJob(dir, csv);
        job.Execution.MaxBadRecords = 1;
        await Runner(dir).RunAsync("fixed", job);
        Assert.Single(Directory.GetFiles(dir.Combine("out", "_quarantine")));

        await WriteCsvAsync(dir, rows: 50, bad: []);
        var rerun = await Runner(dir).RunAsync("fixed", job);

        Assert.Equal(0, rerun.BadRows);
        Assert.Empty(Directory.GetFiles(dir.Combine("out", "_quarantine")));
        ExactlyOnceTests.AssertEveryIdOnce(dir.Combine("out"), Enumerable.Range(0, 50));
    }

    [Fact]
    public async Task Bad_json_lines_are_quarantined_with_the_raw_line()
    {
        using var dir = new TempDirectory();
        var lines = new StringBuilder();
        for (var i = 0; i < 30; i++)
        {
            lines.Append(i == 7 ? "{\"id\": 7, \"features\": [1, 2" : $"{{\"id\": {i}, \"features\": [{string.Join(", ", Enumerable.Repeat("0.25", 16))}]}}").Append('\n');
        }

        await File.WriteAllTextAsync(dir.Combine("in.jsonl"), lines.ToString());
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = dir.Combine("in.jsonl"), Columns = new() { ["id"] = "long", ["features"] = "float[16]" } },
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = RepositoryPaths.SampleModel, Device = OnnxDevice.Cpu },
            Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["id", "label"] },
            Execution = new ExecutionOptions { MaxBadRecords = 1 },
        };

        var summary = await Runner(dir).RunAsync("json", job);

        Assert.Equal(29, summary.RowsOut);
        var record = JsonDocument.Parse(File.ReadLines(Directory.GetFiles(dir.Combine("out", "_quarantine")).Single()).Single()).RootElement;
        Assert.Equal(7, record.GetProperty("Row").GetInt64());
        Assert.StartsWith("{\"id\": 7", record.GetProperty("Value").GetString());
    }

    [Fact]
    public async Task Empty_input_and_a_file_deleted_after_planning_give_clear_outcomes()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("empty.csv"), string.Empty);
        var empty = CsvJob(dir, dir.Combine("empty.csv"));

        var nothing = await Runner(dir).RunAsync("empty", empty);
        Assert.Equal(0, nothing.Partitions);
        Assert.True(File.Exists(dir.Combine("out", "_SUCCESS")));

        var csv = await WriteCsvAsync(dir, rows: 10, bad: []);
        var source = await PartitionedDataSource.OpenAsync(csv, new DataSourceOptions { Columns = CsvJob(dir, csv).Source.Columns });
        await source.GetPartitionsAsync();
        File.Delete(csv);
        var error = Assert.Throws<ObjectNotFoundException>(() => DataViewReader.Column<long>(source.AsDataView(), "id"));
        Assert.Contains("in.csv", error.Message);
    }

    private static JobDefinition CsvJob(TempDirectory dir, string csv)
    {
        var columns = new Dictionary<string, string> { ["id"] = "long" };
        for (var f = 0; f < 16; f++)
        {
            columns[$"f{f:D2}"] = "float";
        }

        var job = TabularJobs.Parquet(csv, RepositoryPaths.SampleModel, dir.Combine("out"));
        job.Source.Columns = columns;
        return job;
    }

    private static async Task<string> WriteCsvAsync(TempDirectory dir, int rows, Dictionary<int, string> bad)
    {
        var text = new StringBuilder("id," + string.Join(",", Enumerable.Range(0, 16).Select(f => $"f{f:D2}")) + "\n");
        for (var r = 0; r < rows; r++)
        {
            text.Append(bad.TryGetValue(r, out var line) ? line : $"{r}," + string.Join(",", Enumerable.Range(0, 16).Select(f => ((r + f) % 10 / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture)))).Append('\n');
        }

        var path = dir.Combine("in.csv");
        await File.WriteAllTextAsync(path, text.ToString());
        return path;
    }

    private static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
}

public class ModelFailureTests
{
    [Fact]
    public async Task Rows_the_model_fails_on_are_found_by_splitting_the_batch_and_quarantined()
    {
        using var dir = new TempDirectory();
        var text = new StringBuilder("id,idx,name\n");
        for (var i = 0; i < 100; i++)
        {
            text.Append(i).Append(',').Append(i is 37 or 38 or 90 ? 10 + i : i % 4).Append(",row ").Append(i).Append('\n');
        }

        await File.WriteAllTextAsync(dir.Combine("in.csv"), text.ToString());
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = dir.Combine("in.csv") },
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = TestModels.FailsOnBadIndex(dir), Device = OnnxDevice.Cpu, BatchSize = 32 },
            Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["id", "name", "value"] },
            Execution = new ExecutionOptions { MaxBadRecords = 3 },
        };

        var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("lookup", job);

        Assert.Equal(97, summary.RowsOut);
        Assert.Equal(3, summary.BadRows);
        var output = new MLContext().Data.LoadFromParquet(dir.Combine("out"));
        var ids = DataViewReader.Column<long>(output, "id");
        var names = DataViewReader.Text(output, "name");
        var values = DataViewReader.Vectors(output, "value");
        Assert.Equal(Enumerable.Range(0, 100).Where(i => i is not 37 and not 38 and not 90).Select(i => (long)i), ids);
        for (var r = 0; r < ids.Count; r++)
        {
            Assert.Equal($"row {ids[r]}", names[r]);
            Assert.Equal(ids[r] % 4 * 10, values[r][0]);
        }

        var quarantined = File.ReadLines(Directory.GetFiles(dir.Combine("out", "_quarantine")).Single()).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([37L, 38L, 90L], quarantined.Select(q => q.GetProperty("Row").GetInt64()).Order());
        Assert.All(quarantined, q => Assert.Contains("model 'lookup.onnx' failed on this row", q.GetProperty("Reason").GetString()));
        Assert.All(quarantined, q => Assert.EndsWith("in.csv", q.GetProperty("File").GetString()));
    }

    [Fact]
    public async Task In_strict_mode_a_model_failure_names_the_model_and_how_to_quarantine()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("in.csv"), "id,idx\n1,1\n2,99\n");
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = dir.Combine("in.csv") },
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = TestModels.FailsOnBadIndex(dir), Device = OnnxDevice.Cpu },
            Sink = new SinkDefinition { Path = dir.Combine("out") },
        };

        var error = await Assert.ThrowsAsync<JobFailedException>(() => new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("strict", job));

        Assert.Contains("Model 'lookup.onnx' failed on a batch", error.Message);
        Assert.Contains("Execution:MaxBadRecords", error.Message);
    }
}

public class ParquetBadInputTests
{
    [Fact]
    public async Task Nulls_in_an_integer_column_are_quarantined_row_by_row()
    {
        using var dir = new TempDirectory();
        var ids = Enumerable.Range(0, 30).Select(i => i is 4 or 17 ? (long?)null : i).ToArray();
        var features = Enumerable.Range(0, 30 * 16).Select(i => (float)(i % 7) / 7).ToArray();
        var columns = new List<ParquetFiles.Column> { new(new Parquet.Schema.DataField<long?>("id"), ids) };
        for (var f = 0; f < 16; f++)
        {
            columns.Add(new(new Parquet.Schema.DataField<float>($"f{f:D2}"), Enumerable.Range(0, 30).Select(r => features[(r * 16) + f]).ToArray()));
        }

        await ParquetFiles.WriteAsync(dir.Combine("in.parquet"), 10, [.. columns]);
        var job = TabularJobs.Parquet(dir.Combine("in.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));
        job.Execution.MaxBadRecords = 2;

        var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("nulls", job);

        Assert.Equal(28, summary.RowsOut);
        var written = DataViewReader.Column<long>(new MLContext().Data.LoadFromParquet(dir.Combine("out")), "id");
        Assert.Equal(Enumerable.Range(0, 30).Where(i => i is not 4 and not 17).Select(i => (long)i), written.Order());
        var quarantined = Directory.GetFiles(dir.Combine("out", "_quarantine")).SelectMany(File.ReadLines).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // Rows are counted within their partition: row 17 of the file is row 7 of the second row group.
        Assert.Equal(
            ["in.parquet#rowgroups=0-0 row 4", "in.parquet#rowgroups=1-1 row 7"],
            quarantined.Select(q => $"{q.GetProperty("Partition").GetString()} row {q.GetProperty("Row").GetInt64()}").Order());
        Assert.All(quarantined, q => Assert.Equal("id", q.GetProperty("Column").GetString()));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("wrong type")]
    public async Task A_broken_parquet_file_fails_its_partition_with_the_file_named(string problem)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        await MlNetBatch.Samples.Generator.TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 100, 50, seed: 1);
        if (problem == "truncated")
        {
            await MlNetBatch.Samples.Generator.TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 100, 100, 50, seed: 2);
            var bytes = await File.ReadAllBytesAsync(dir.Combine("in", "b.parquet"));
            await File.WriteAllBytesAsync(dir.Combine("in", "b.parquet"), bytes[..(bytes.Length - 200)]);
        }
        else
        {
            await ParquetFiles.WriteAsync(dir.Combine("in", "b.parquet"), 10,
                new ParquetFiles.Column(new Parquet.Schema.DataField<long>("id"), new long[] { 100 }),
                new ParquetFiles.Column(new Parquet.Schema.DataField<string>("f00"), new[] { "text" }));
        }

        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));

        var error = await Assert.ThrowsAsync<JobFailedException>(() => new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("broken", job));

        Assert.Contains("b.parquet", error.Message);
        Assert.Contains(problem == "truncated" ? "not a readable Parquet file" : "type mismatch", error.Message);
        Assert.False(File.Exists(dir.Combine("out", "_SUCCESS")));
    }
}
