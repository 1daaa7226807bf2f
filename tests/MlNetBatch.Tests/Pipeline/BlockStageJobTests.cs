using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline;
using MlNetBatch.Pipeline.Stages;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Pipeline;

public class BlockStageJobTests
{
    [Fact]
    public async Task Plan_says_which_path_each_preprocessing_step_takes()
    {
        using var dir = new TempDirectory();
        var job = Job(RepositoryPaths.SampleData + "/*.parquet", dir.Combine("out"),
            new PreprocessStep { Transform = "Identity" },
            new PreprocessStep { Transform = "ConvertType", OutputColumn = "id2", InputColumns = ["id"], Type = "double" },
            Concatenate("features"),
            Concatenate("written"));
        job.Sink.Columns = ["id", "probabilities", "written"];

        var plan = await Runner(dir).PlanAsync("paths", job);

        Assert.Equal(
            [PreprocessPath.Block, PreprocessPath.Row, PreprocessPath.Block, PreprocessPath.Block],
            plan.Preprocess.Select(p => p.Path));
        Assert.Equal([null, null, "features", null], plan.Preprocess.Select(p => p.FoldedIntoModelInput));
        Assert.Equal([0, 1, 2, 3], plan.Preprocess.Select(p => p.Index));
        Assert.StartsWith("Preprocess:1 ConvertType: row (stock ML.NET transform, no block version)", plan.Preprocess[1].ToString());
        Assert.StartsWith("Preprocess:2 Concatenate: block, folded into model input 'features' (", plan.Preprocess[2].ToString());
        Assert.StartsWith("Preprocess:3 Concatenate: block (", plan.Preprocess[3].ToString());
    }

    [Fact]
    public async Task Plan_shows_a_Concatenate_that_only_feeds_the_model_as_a_block_stage_folded_into_its_input_and_otherwise_as_a_block_stage()
    {
        using var dir = new TempDirectory();
        var folded = Job(RepositoryPaths.SampleData + "/*.parquet", dir.Combine("folded"), Concatenate("features"));
        // The sink writes the vector too, so the stage has to build it.
        var running = Job(RepositoryPaths.SampleData + "/*.parquet", dir.Combine("running"), Concatenate("features"));
        running.Sink.Columns = ["id", "probabilities", "features"];

        var foldedPlan = await Runner(dir).PlanAsync("folded", folded);
        var runningPlan = await Runner(dir).PlanAsync("running", running);

        Assert.Equal(
            "Preprocess:0 Concatenate: block, folded into model input 'features' (its output feeds only the model, so the scorer packs its columns straight into the input tensor)",
            Assert.Single(foldedPlan.Preprocess).ToString());
        Assert.Equal(
            "Preprocess:0 Concatenate: block (2 worker thread(s), up to 4 blocks in flight per partition, blocks in completion order; inline on the partition's thread when it runs a partition per core)",
            Assert.Single(runningPlan.Preprocess).ToString());
        Assert.Equal($"columns {string.Join(", ", TabularData.FeatureColumns.Select(c => $"'{c}'"))} (concatenated)", Assert.Single(foldedPlan.ModelInputs).DescribeColumns());
        Assert.Equal("column 'features'", Assert.Single(runningPlan.ModelInputs).DescribeColumns());
    }

    [Fact]
    public async Task A_job_with_block_stages_writes_the_rows_the_job_without_them_writes()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 1500, 400, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 1500, 900, 400, seed: 2);
        var plain = Job(dir.Combine("in", "*.parquet"), dir.Combine("plain"), Concatenate("features"));
        var staged = Job(dir.Combine("in", "*.parquet"), dir.Combine("staged"), new PreprocessStep { Transform = "Identity" }, Concatenate("features"));
        staged.Sink.Columns = ["id", "probabilities", "features"];
        staged.Execution.PreserveRowOrder = false;

        await Runner(dir).RunAsync("plain", plain);
        await Runner(dir).RunAsync("staged", staged);

        var expected = Scores(dir.Combine("plain"));
        var actual = Scores(dir.Combine("staged"));
        Assert.Equal(2400, actual.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task A_job_writes_its_rows_as_blocks_finish_unless_asked_to_keep_the_input_order()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 2000, 2000, seed: 1);
        // Random delays per block, on two pool threads: later blocks often finish before earlier ones.
        BlockTransformRegistry.Default.Register(new BlockTransformRegistration("DelayedForOrderTests", _ => new AddOneTransform(maxDelayMilliseconds: 40, input: "f00")));
        List<long> Ids(string name, bool keepOrder)
        {
            var job = Job(dir.Combine("in", "*.parquet"), dir.Combine(name), new PreprocessStep { Transform = "DelayedForOrderTests" }, Concatenate("features"));
            job.Source.ChunkRows = 50;
            job.Sink.Columns = ["id"];
            // One partition at a time, so its stages run on threads of their own and the stage on the pool.
            job.Execution.Parallelism = 1;
            job.Execution.PreserveRowOrder = keepOrder;
            Runner(dir).RunAsync(name, job).GetAwaiter().GetResult();
            return DataViewReader.Column<long>(new Microsoft.ML.MLContext().Data.LoadFromParquet(dir.Combine(name, "*.parquet")), "id");
        }

        var ordered = Ids("ordered", keepOrder: true);
        var unordered = Ids("unordered", keepOrder: false);

        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), ordered);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), unordered.Order());
        Assert.NotEqual(ordered, unordered);
    }

    [Fact]
    public async Task A_block_stage_failing_for_a_transient_reason_is_retried_and_a_bad_data_failure_is_not()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 600, 300, seed: 1);
        var attempts = 0;
        BlockTransformRegistry.Default.Register(new BlockTransformRegistration("DropsOnceForTests", _ => new ThrowingTransform(() =>
            Interlocked.Increment(ref attempts) == 1 ? new IOException("connection reset by the OCR service") : null)));
        BlockTransformRegistry.Default.Register(new BlockTransformRegistration("BadDataForTests", _ => new ThrowingTransform(() =>
            new DataFormatException("a.parquet", "not an image", "f00", 3))));
        JobDefinition WithStage(string stage, string output)
        {
            var job = Job(dir.Combine("in", "*.parquet"), dir.Combine(output), new PreprocessStep { Transform = stage }, Concatenate("features"));
            job.Execution.PartitionRetries = 2;
            job.Execution.RetryDelay = TimeSpan.FromMilliseconds(1);
            return job;
        }

        var summary = await Runner(dir).RunAsync("transient", WithStage("DropsOnceForTests", "retried"));
        var failure = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("permanent", WithStage("BadDataForTests", "failed")));

        Assert.Equal(600, summary.RowsOut);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (long)i), Scores(dir.Combine("retried")).Select(s => s.Id));
        Assert.True(attempts > 2, $"the stage ran {attempts} time(s)");
        Assert.Contains("not an image", failure.Message);
    }

    [Fact]
    public async Task A_failing_block_stage_fails_its_partition_in_one_line_and_writes_nothing()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 600, 300, seed: 1);
        BlockTransformRegistry.Default.Register(new BlockTransformRegistration("FailingForTests", _ => new AddOneTransform(failOnRow: 150, input: "f00")));
        var job = Job(dir.Combine("in", "*.parquet"), dir.Combine("out"), new PreprocessStep { Transform = "FailingForTests" }, Concatenate("features"));

        var failure = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("failing", job));

        Assert.DoesNotContain('\n', failure.Message);
        // Rows count from the start of the partition: each of the file's two row groups is one.
        Assert.Matches(@"^Job 'failing': partition (a\.parquet#rowgroups=\d-\d) failed: block stage 'AddOne' failed on rows 0–299 of '\1': InvalidOperationException: boom at row 150$", failure.Message);
        Assert.False(Directory.Exists(dir.Combine("out"))
            && Directory.GetFiles(dir.Combine("out"), "*", SearchOption.AllDirectories).Any(f => Path.GetFileName(f) != "_manifest.json"));
    }

    [Fact]
    public void Bad_block_steps_get_one_message_each()
    {
        var identity = PreprocessPipelineBuilder.Validate(new PreprocessStep { Transform = "Identity", InputColumns = ["a"], FitRows = 0 }).ToList();
        var unknown = Assert.Single(PreprocessPipelineBuilder.Validate(new PreprocessStep { Transform = "Nope" }));

        Assert.Equal(["Identity passes blocks through unchanged; it takes no InputColumns or OutputColumn.", "FitRows must be greater than zero."], identity);
        Assert.StartsWith("unknown transform 'Nope'; use one of Concatenate, ConvertType, ", unknown, StringComparison.Ordinal);
        Assert.Contains("Identity", unknown);
    }

    /// <summary>A pass-through stage that throws what <paramref name="failure"/> returns, if anything, on each block.</summary>
    private sealed class ThrowingTransform(Func<Exception?> failure) : IBlockTransform
    {
        public string Name => "Throwing";

        public IReadOnlyList<string> InputColumns => [];

        public IReadOnlyList<BlockOutputColumn> GetOutputColumns(Microsoft.ML.DataViewSchema inputSchema) => [];

        public IBlockMapper CreateMapper(Microsoft.ML.DataViewSchema schema) => new Mapper(failure);

        private sealed class Mapper(Func<Exception?> failure) : IBlockMapper
        {
            public void Map(MlNetBatch.Data.RecordBatch block)
            {
                if (failure() is { } error)
                {
                    throw error;
                }
            }
        }
    }

    private static List<(long Id, float P0)> Scores(string path)
    {
        var output = new Microsoft.ML.MLContext().Data.LoadFromParquet(path);
        return DataViewReader.Column<long>(output, "id").Zip(DataViewReader.Vectors(output, "probabilities"), (id, p) => (id, p[0])).Order().ToList();
    }

    private static PreprocessStep Concatenate(string output) =>
        new() { Transform = "Concatenate", OutputColumn = output, InputColumns = TabularData.FeatureColumns.ToList() };

    private static JobDefinition Job(string source, string sink, params PreprocessStep[] steps) => new()
    {
        Source = new SourceDefinition { Path = source },
        Preprocess = [.. steps],
        Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = RepositoryPaths.SampleModel, BatchSize = 128, Device = OnnxDevice.Cpu },
        Sink = new SinkDefinition { Path = sink, Columns = ["id", "probabilities", "label"] },
        Execution = new ExecutionOptions { Parallelism = 2, PartitionRetries = 0, PreprocessThreads = 2 },
    };

    private static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));

}
