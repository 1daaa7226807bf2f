using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs;

public class JobRunnerTests
{
    [Fact]
    public async Task Job_writes_one_file_per_partition_with_every_row_scored_once_and_ids_lined_up()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 700, 300, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 700, 300, 300, seed: 2);
        var job = Job(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("out"));

        var summary = await Runner(dir).RunAsync("tabular", job);

        Assert.Equal(4, summary.Partitions);
        Assert.Equal(1000, summary.RowsIn);
        Assert.Equal(1000, summary.RowsOut);
        Assert.Equal(4, Directory.GetFiles(dir.Combine("out"), "*.parquet").Length);
        Assert.All(summary.OutputFiles, f => Assert.True(File.Exists(f)));

        var ml = new MLContext();
        var output = ml.Data.LoadFromParquet(dir.Combine("out"));
        var ids = DataViewReader.Column<long>(output, "id");
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), ids.Order());

        // Each output row's scores equal raw ONNX Runtime on that row's features.
        var input = ml.Data.LoadFromParquet(dir.Combine("in", "*.parquet"));
        var features = new float[1000 * 16];
        for (var f = 0; f < 16; f++)
        {
            var column = DataViewReader.Column<float>(input, $"f{f:D2}");
            for (var r = 0; r < 1000; r++)
            {
                features[(r * 16) + f] = column[r];
            }
        }

        var expected = RawOnnx.RunTabular(job.Model.ModelPath, features, 1000, out var labels);
        var probabilities = DataViewReader.Vectors(output, "probabilities");
        var outputLabels = DataViewReader.Vectors<long>(output, "label").Select(v => Assert.Single(v)).ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            var id = (int)ids[i];
            Assert.Equal(expected[2 * id], probabilities[i][0], 5);
            Assert.Equal(labels[id], outputLabels[i]);
        }
    }

    [Fact]
    public async Task A_failing_job_names_the_job_the_partition_and_the_cause()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("in.csv"), "id,x\n1,2\n2,oops\n");
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = dir.Combine("in.csv"), Columns = new() { ["id"] = "long", ["x"] = "float" } },
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = TestModels.MultiInputOutput(dir), Device = OnnxDevice.Cpu },
            Sink = new SinkDefinition { Path = dir.Combine("out") },
        };

        var missingInput = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("broken", job));
        Assert.Contains("Job 'broken'", missingInput.Message);
        Assert.Contains("input 'dense'", missingInput.Message);

        var parquetJob = Job(dir.Combine("in.csv"), TestModels.Tabular(dir), dir.Combine("out"));
        parquetJob.Source.Columns = new() { ["id"] = "long", ["x"] = "float" };
        parquetJob.Preprocess[0].InputColumns = ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x"];
        var badRow = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("badrow", parquetJob));
        Assert.Contains("Job 'badrow'", badRow.Message);
        Assert.Contains("in.csv#bytes=", badRow.Message);
        Assert.Contains("column 'x', row 1: cannot parse 'oops' as float", badRow.Message);
        // Only the manifest, which claims the run's files before any is written, may be there: no output at all.
        Assert.False(Directory.Exists(dir.Combine("out"))
            && Directory.GetFiles(dir.Combine("out"), "*", SearchOption.AllDirectories).Any(f => Path.GetFileName(f) != "_manifest.json"));
    }

    [Fact]
    public async Task Plan_reports_partitions_schema_and_column_mapping_without_writing()
    {
        using var dir = new TempDirectory();
        var job = Job(RepositoryPaths.SampleData + "/*.parquet", RepositoryPaths.SampleModel, dir.Combine("out"));

        var plan = await Runner(dir).PlanAsync("sample", job);

        Assert.Equal(2, plan.Files.Count);
        Assert.Equal(6, plan.Partitions.Count);
        Assert.Contains(plan.SourceColumns, c => c.Name == "f15");
        // The Concatenate step feeds only the model, so the plan folds it into the model input.
        Assert.Equal(TabularData.FeatureColumns, plan.ModelInputs.Single().SourceColumns);
        Assert.Equal(["probabilities", "label"], plan.ModelOutputs.Select(o => o.Name));
        Assert.False(Directory.Exists(dir.Combine("out")));
    }

    [Fact]
    public async Task Small_row_groups_of_a_file_are_one_partition_unless_PartitionBytes_is_below_them()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 700, 100, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("in", "b.parquet"), 700, 300, 100, seed: 2);
        var grouped = Job(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("grouped"));
        grouped.Source.RowGroupsPerPartition = null;
        var split = Job(dir.Combine("in", "*.parquet"), TestModels.Tabular(dir), dir.Combine("split"));
        split.Source.RowGroupsPerPartition = null;
        // Room for about three row groups of 100 rows in a partition.
        split.Source.PartitionBytes = 3 * CompressedBytesOfFirstRowGroup(dir.Combine("in", "a.parquet"));

        var one = await Runner(dir).RunAsync("grouped", grouped);
        var several = await Runner(dir).RunAsync("split", split);

        Assert.Equal(2, one.Partitions);
        Assert.InRange(several.Partitions, 4, 7);
        Assert.Equal(1000, one.RowsOut);
        Assert.Equal(1000, several.RowsOut);
        var ml = new MLContext();
        var fromOne = ml.Data.LoadFromParquet(dir.Combine("grouped", "*.parquet"));
        var fromSeveral = ml.Data.LoadFromParquet(dir.Combine("split", "*.parquet"));
        var ids = DataViewReader.Column<long>(fromOne, "id");
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), ids.Order());
        var scores = ids.Zip(DataViewReader.Vectors(fromOne, "probabilities")).OrderBy(p => p.First).Select(p => p.Second);
        var scoresSplit = DataViewReader.Column<long>(fromSeveral, "id").Zip(DataViewReader.Vectors(fromSeveral, "probabilities")).OrderBy(p => p.First).Select(p => p.Second);
        Assert.Equal(scores, scoresSplit);
    }

    private static long CompressedBytesOfFirstRowGroup(string path)
    {
        using var reader = new ParquetSharp.ParquetFileReader(path);
        using var rowGroup = reader.RowGroup(0);
        long bytes = 0;
        for (var c = 0; c < rowGroup.MetaData.NumColumns; c++)
        {
            using var chunk = rowGroup.MetaData.GetColumnChunkMetaData(c);
            bytes += chunk.TotalCompressedSize;
        }

        return bytes;
    }

    internal static JobDefinition Job(string source, string model, string sink) => new()
    {
        // A partition per row group: these tests are about several partitions of small files.
        Source = new SourceDefinition { Path = source, RowGroupsPerPartition = 1 },
        Preprocess = [new PreprocessStep { Transform = "Concatenate", OutputColumn = "features", InputColumns = TabularData.FeatureColumns.ToList() }],
        Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = model, BatchSize = 128, Device = OnnxDevice.Cpu },
        Sink = new SinkDefinition { Path = sink, Columns = ["id", "probabilities", "label"] },
        Execution = new ExecutionOptions { Parallelism = 2 },
    };

    private static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
}

public class SourceListTests
{
    [Fact]
    public async Task A_source_can_list_several_paths_and_same_named_files_get_their_own_partitions()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("a"));
        Directory.CreateDirectory(dir.Combine("b"));
        await TabularData.WriteParquetAsync(dir.Combine("a", "day.parquet"), 0, 120, 120, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("b", "day.parquet"), 120, 80, 80, seed: 2);
        var job = JobRunnerTests.Job(string.Empty, TestModels.Tabular(dir), dir.Combine("out"));
        job.Source.Paths = [dir.Combine("a", "day.parquet"), dir.Combine("b", "*.parquet"), dir.Combine("a", "day.parquet")];

        var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("list", job);

        Assert.Equal(2, summary.Partitions);
        Assert.Equal(200, summary.RowsOut);
        Assert.Equal(2, summary.OutputFiles.Distinct().Count());
        var ids = DataViewReader.Column<long>(new MLContext().Data.LoadFromParquet(dir.Combine("out")), "id");
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), ids.Order());
    }
}
