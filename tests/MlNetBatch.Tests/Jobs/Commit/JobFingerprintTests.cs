using MlNetBatch.Data;
using MlNetBatch.Formats;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Jobs.Commit;

// A resumed run skips the partitions whose manifest entry carries the same settings fingerprint and file name: these
// values were taken before formats became registrations, and must not change, or every existing job rescores everything.
public class JobFingerprintTests
{
    [Fact]
    public void A_parquet_job_keeps_the_fingerprint_it_had_when_formats_were_an_enum()
    {
        // With one row group per partition, as every Parquet job was planned before row groups were grouped by size.
        Assert.Equal("be3bd2cb9dde694dbb879d3b7db7ba17d0e9ae1330d923e735e4967544f00919", JobFingerprint.Settings(Job(source: null, sink: DataFormatKind.Parquet, rowGroupsPerPartition: 1), []));
        Assert.Equal("ee966de981a3edf54f8b8c4da9ce24838c929c66dd0d3f40dd7fc3626ab0fe85", JobFingerprint.Settings(Job(source: DataFormatKind.Parquet, sink: DataFormatKind.Parquet, rowGroupsPerPartition: 1), []));
    }

    [Fact]
    public void A_parquet_job_grouping_row_groups_by_size_does_not_take_partitions_committed_one_row_group_each()
    {
        var input = new[] { new ObjectInfo(ObjectLocation.Local("/data/in/a.parquet"), 100, "1", DateTimeOffset.UnixEpoch) };
        var bySize = JobFingerprint.Settings(Job(source: null, sink: DataFormatKind.Parquet), input);
        var oneEach = JobFingerprint.Settings(Job(source: null, sink: DataFormatKind.Parquet, rowGroupsPerPartition: 1), input);
        Assert.NotEqual(oneEach, bySize);
        Assert.NotEqual(
            JobFingerprint.Settings(Job(source: DataFormatKind.Parquet, sink: DataFormatKind.Parquet, rowGroupsPerPartition: 1), []),
            JobFingerprint.Settings(Job(source: DataFormatKind.Parquet, sink: DataFormatKind.Parquet), []));
    }

    [Fact]
    public void Csv_and_json_lines_jobs_keep_their_fingerprints()
    {
        Assert.Equal("4b87611494ff473ed9956cbe800f4a790203a1ad65f02c5b86e319c90a8890b4", JobFingerprint.Settings(Job(source: DataFormatKind.Csv, sink: DataFormatKind.JsonLines), []));
        Assert.Equal("a59e4ad006744b2377169bdaa44bd0c7cfc59c0197b342451d11900e11277c7c", JobFingerprint.Settings(Job(source: DataFormatKind.JsonLines, sink: DataFormatKind.Csv), []));
    }

    [Fact]
    public void The_built_in_formats_keep_their_output_extensions()
    {
        Assert.Equal(".parquet", DataFormatRegistry.Default.Extension(DataFormatKind.Parquet));
        Assert.Equal(".csv", DataFormatRegistry.Default.Extension(DataFormatKind.Csv));
        Assert.Equal(".jsonl", DataFormatRegistry.Default.Extension(DataFormatKind.JsonLines));
    }

    private static JobDefinition Job(DataFormatKind? source, DataFormatKind sink, int? rowGroupsPerPartition = null)
    {
        var job = new JobDefinition();
        job.Source.RowGroupsPerPartition = rowGroupsPerPartition;
        job.Source.Path = "in/*.parquet";
        job.Source.Format = source;
        job.Model.ModelPath = "model.onnx";
        job.Model.InputColumns["input"] = "features";
        job.Model.OutputColumns["probabilities"] = "scores";
        job.Sink.Path = "out";
        job.Sink.Format = sink;
        job.Sink.Columns = ["id", "scores"];
        return job;
    }
}
