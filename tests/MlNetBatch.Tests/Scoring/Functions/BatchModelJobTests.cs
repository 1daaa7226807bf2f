using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Functions;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Functions;

public class BatchModelJobTests
{
    private const int Rows = 600;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_registered_batch_model_scores_every_row_and_never_runs_more_calls_at_once_than_its_limit(int maxConcurrency)
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir);
        var model = new SumModel();
        var job = Job(dir);
        job.Execution.Parallelism = 3;

        var summary = await Runner(dir, model, maxConcurrency).RunAsync("sums", job);

        Assert.Equal(Rows, summary.RowsOut);
        var (ids, expected) = Reference(dir);
        var output = new MLContext().Data.LoadFromParquet(dir.Combine("out"));
        var written = DataViewReader.Columns<long, float>(output, "id", "total");
        Assert.Equal(ids.Order(), written.Select(w => w.Item1).Order());
        Assert.All(written, w => Assert.Equal(expected[w.Item1], w.Item2));
        // 600 rows of 8 per call over 6 partitions: 78 calls. Three partitions at once keep more calls waiting
        // than the limit lets run, so the limit is reached, never passed.
        Assert.Equal(6 * 13, model.Calls);
        Assert.Equal(maxConcurrency, model.MostAtOnce);
        // The calls are the score stage of the run's statistics.
        Assert.Equal(Rows, Assert.Single(summary.Stages, s => s.Name == "score").Rows);
    }

    [Fact]
    public async Task A_model_failing_as_a_whole_fails_the_job_in_one_line_and_quarantines_nothing()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir);
        var model = new SumModel { ModelFailure = new ModelException("'tesseract' is not installed or not on PATH.") };
        var job = Job(dir);
        job.Execution.MaxBadRecords = 1_000;

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir, model, 2).RunAsync("sums", job));

        Assert.Contains("'tesseract' is not installed or not on PATH.", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(Directory.Exists(dir.Combine("out", "_quarantine")) && Directory.EnumerateFiles(dir.Combine("out", "_quarantine"), "*", SearchOption.AllDirectories).Any());
        Assert.False(File.Exists(dir.Combine("out", "_SUCCESS")));
    }

    [Fact]
    public async Task A_rerun_resumes_while_the_models_version_is_the_same_and_rescores_when_it_changes()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir);
        var model = new SumModel { Version = "rounding 1" };
        var job = Job(dir);

        var first = await Runner(dir, model, 2).RunAsync("sums", job);
        var same = await Runner(dir, model, 2).RunAsync("sums", job);
        model.Version = "rounding 2";
        var changed = await Runner(dir, model, 2).RunAsync("sums", job);

        Assert.Equal(0, first.ResumedPartitions);
        Assert.Equal(first.Partitions, same.ResumedPartitions);
        Assert.Equal((0, (long)Rows), (changed.ResumedPartitions, changed.RowsOut));
    }

    [Fact]
    public async Task A_row_the_model_neither_scores_nor_fails_gets_the_outputs_defaults_never_another_rows_values()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir);
        var model = new SumModel { SkippedIds = id => id % 10 == 5, ThrowingIds = id => id % 97 == 3 };
        var job = Job(dir);
        job.Execution.MaxBadRecords = 100;

        await Runner(dir, model, 2).RunAsync("sums", job);

        var (_, expected) = Reference(dir);
        var written = DataViewReader.Columns<long, float>(new MLContext().Data.LoadFromParquet(dir.Combine("out")), "id", "total");
        Assert.Contains(written, w => w.Item1 % 10 == 5);
        Assert.All(written, w => Assert.Equal(w.Item1 % 10 == 5 ? 0f : expected[w.Item1], w.Item2));
    }

    [Fact]
    public async Task Rows_the_model_fails_or_throws_on_are_quarantined_with_their_file_and_row_and_the_others_are_written()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir);
        var model = new SumModel { FailedIds = id => id % 50 == 7, ThrowingIds = id => id % 97 == 3 };
        var job = Job(dir);
        job.Execution.MaxBadRecords = 100;

        var summary = await Runner(dir, model, 4).RunAsync("sums", job);

        var failed = Enumerable.Range(0, Rows).Where(i => i % 50 == 7 || i % 97 == 3).ToHashSet();
        Assert.Equal(failed.Count, summary.BadRows);
        Assert.Equal(Rows - failed.Count, summary.RowsOut);
        var ids = DataViewReader.Column<long>(new MLContext().Data.LoadFromParquet(dir.Combine("out")), "id");
        Assert.Equal(Enumerable.Range(0, Rows).Where(i => !failed.Contains(i)).Select(i => (long)i), ids.Order());
        var quarantine = Directory.GetFiles(dir.Combine("out", "_quarantine"), "*.jsonl").SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // Row groups of 100 rows, one partition each, ids counting up from 0: a row's place in its partition is id % 100.
        Assert.Equal(failed.Select(i => (i < 400 ? "a.parquet" : "b.parquet", i % 100L)).Order(),
            quarantine.Select(q => (Path.GetFileName(q.GetProperty("File").GetString()!), q.GetProperty("Row").GetInt64())).Order());
        Assert.All(quarantine, q => Assert.StartsWith("a.parquet#rowgroups=", q.GetProperty("Partition").GetString()!.Replace("b.parquet", "a.parquet")));
        Assert.Contains(quarantine, q => q.GetProperty("Reason").GetString() == "batch model 'sum' failed on this row: no total for id 7");
        Assert.Contains(quarantine, q => q.GetProperty("Reason").GetString() == "batch model 'sum' failed on this row: InvalidOperationException: the service refused id 3");
    }

    [Fact]
    public async Task Without_a_bad_record_limit_a_failed_row_fails_the_job_naming_the_model_and_row()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir);
        var model = new SumModel { FailedIds = id => id == 407 };

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir, model, 2).RunAsync("sums", Job(dir)));

        Assert.Contains("Job 'sums': partition b.parquet#rowgroups=0-0", error.Message);
        Assert.Contains("Batch model 'sum' failed on row 7: no total for id 407", error.Message);
    }

    [Fact]
    public async Task A_missing_input_column_an_unknown_output_or_an_unregistered_name_is_one_line_naming_the_job()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir);
        var runner = Runner(dir, new SumModel(), 2);
        var missing = Job(dir);
        missing.Model.InputColumns["f01"] = "f99";
        var wrongType = Job(dir);
        wrongType.Model.InputColumns["f00"] = "id";
        var unknownOutput = Job(dir);
        unknownOutput.Model.OutputColumns["product"] = "p";
        var unknownName = Job(dir);
        unknownName.Model.Name = "nope";

        var messages = new List<string>();
        foreach (var job in new[] { missing, wrongType, unknownOutput, unknownName })
        {
            messages.Add((await Assert.ThrowsAsync<JobFailedException>(() => runner.PlanAsync("sums", job))).Message);
        }

        Assert.StartsWith("Job 'sums': Batch model 'sum' needs input column 'f99' (float), which the data does not have (it has id, f00, f01,", messages[0]);
        Assert.Equal("Job 'sums': Batch model 'sum' needs input column 'id' as float, but the data's 'id' is long.", messages[1]);
        Assert.Equal("Job 'sums': Batch model 'sum' has no output 'product' (Model:OutputColumns); its outputs: total, difference.", messages[2]);
        Assert.Equal("Job 'sums': No batch model is registered as 'nope' (registered: sum); register it with services.AddBatchModel<T>(\"nope\").", messages[3]);
        Assert.All(messages, m => Assert.DoesNotContain('\n', m));
    }

    [Fact]
    public async Task Plan_shows_a_batch_models_inputs_outputs_and_call_limits()
    {
        using var dir = new TempDirectory();
        await WriteInputAsync(dir);
        var job = Job(dir);
        job.Model.OutputColumns["total"] = "sum";
        job.Sink.Columns = ["id", "sum"];

        var plan = await Runner(dir, new SumModel(), 3).PlanAsync("sums", job);

        Assert.Equal(ModelKind.Function, plan.ModelKind);
        Assert.Equal("sum", plan.ModelName);
        Assert.Equal(["id long <- column 'id'", "f00 float <- column 'f00'", "f01 float <- column 'f01'"], plan.ModelInputColumns.Select(c => $"{c.Name} {c.Type} <- {c.Binding}"));
        Assert.Equal(["total float -> column 'sum'"], plan.ModelOutputColumns.Select(c => $"{c.Name} {c.Type} -> {c.Binding}"));
        Assert.Equal("8 rows per call, at most 3 calls at once", plan.ModelCalls);
        Assert.Equal(["id", "sum"], plan.OutputColumns);
    }

    [Fact]
    public void Batch_model_options_are_validated_when_the_model_is_first_used()
    {
        var services = new ServiceCollection().AddBatchModel<SumModel>("sum", o => o.MaxConcurrency = 0).BuildServiceProvider();

        var error = Assert.Throws<ModelException>(() => services.GetRequiredService<BatchModelRegistry>().Resolve("sum"));

        Assert.Equal("Batch model 'sum': MaxConcurrency must be greater than zero (got 0).", error.Message);
    }

    internal static JobRunner Runner(TempDirectory dir, SumModel model, int maxConcurrency)
    {
        var services = new ServiceCollection()
            .AddKeyedSingleton<IBatchModel>("sum", model)
            .AddBatchModel<SumModel>("sum", o =>
            {
                o.MaxConcurrency = maxConcurrency;
                o.BatchSize = 8;
            })
            .BuildServiceProvider();
        return new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path), batchModels: services.GetRequiredService<BatchModelRegistry>());
    }

    private static JobDefinition Job(TempDirectory dir) => new()
    {
        Source = new SourceDefinition { Path = dir.Combine("in", "*.parquet"), RowGroupsPerPartition = 1 },
        Model = new ModelDefinition { Kind = ModelKind.Function, Name = "sum" },
        Sink = new SinkDefinition { Path = dir.Combine("out"), Columns = ["id", "total"] },
        Execution = new ExecutionOptions { Parallelism = 2 },
    };

    private static async Task WriteInputAsync(TempDirectory dir)
    {
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 400, 100, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 400, Rows - 400, 100, seed: 2);
    }

    /// <summary>Each id's f00 + f01, read back from the input files.</summary>
    private static (List<long> Ids, Dictionary<long, float> Totals) Reference(TempDirectory dir)
    {
        var input = new MLContext().Data.LoadFromParquet(dir.Combine("in", "*.parquet"));
        var ids = DataViewReader.Column<long>(input, "id");
        var a = DataViewReader.Column<float>(input, "f00");
        var b = DataViewReader.Column<float>(input, "f01");
        return (ids, ids.Select((id, i) => (id, a[i] + b[i])).ToDictionary(p => p.id, p => p.Item2));
    }
}
