using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MlNetBatch.Data;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Formats;
using MlNetBatch.Formats.Csv;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Sinks;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Sinks;

public class FormatRegistrationTests
{
    [Theory]
    [InlineData("data/a.parquet", "Parquet")]
    [InlineData("data/A.PQ", "Parquet")]
    [InlineData("data/a.tsv", "Csv")]
    [InlineData("data/a.csv.gz", "Csv")]
    [InlineData("data/a.ndjson", "JsonLines")]
    [InlineData("data/a.json.zst", "JsonLines")]
    [InlineData("data/a.txt", "Text")]
    [InlineData("data/a.txt.gz", "Text")]
    [InlineData("data/a.avro", null)]
    public void The_default_registry_detects_the_built_in_formats_by_extension(string path, string? expected) =>
        Assert.Equal(expected, DataFormatRegistry.Default.Detect(path)?.Name);

    [Fact]
    public void A_registration_adds_extensions_and_replaces_the_reader_of_its_kind()
    {
        var registry = new DataFormatRegistry([.. DataFormatRegistry.BuiltIn, new DataFormatRegistration(CsvFormat.Instance, [".psv", ".csv"])]);

        Assert.Equal(DataFormatKind.Csv, registry.Detect("x.psv"));
        Assert.Equal(".psv", registry.Extension(DataFormatKind.Csv));
        Assert.Equal(".parquet", registry.Extension(DataFormatKind.Parquet));
    }

    [Fact]
    public void A_kind_nobody_registered_is_refused_with_the_kinds_that_are()
    {
        var writers = new RecordBatchWriterRegistry([RecordBatchWriterRegistry.BuiltIn[0]]);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => writers.Create(DataFormatKind.Csv, Stream.Null, []));

        Assert.Contains("No writer is registered for 'Csv'; the formats that can be written are Parquet.", error.Message);
    }

    [Fact]
    public async Task A_writer_registered_through_DI_writes_the_job_output()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 300, 300, seed: 1);
        var job = TabularJobs.Parquet(dir.Combine("in", "*.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));
        job.Sink.Format = DataFormatKind.Csv;
        var created = 0;
        var services = new ServiceCollection();
        services.AddMlNetBatch(new ConfigurationBuilder().Build(), dir.Path);
        services.AddMlNetBatchFormat(
            new DataFormatRegistration(CsvFormat.Instance, [".txt"]),
            new RecordBatchWriterRegistration(DataFormatKind.Csv, (stream, columns, _) =>
            {
                Interlocked.Increment(ref created);
                return RecordBatchWriterRegistry.Default.Create(DataFormatKind.Csv, stream, columns);
            }));
        using var provider = services.BuildServiceProvider();

        var summary = await provider.GetRequiredService<JobRunner>().RunAsync("registered", job);

        Assert.Equal(300, summary.RowsOut);
        Assert.Equal(summary.OutputFiles.Count, created);
        Assert.All(summary.OutputFiles, f => Assert.EndsWith(".txt", f, StringComparison.Ordinal));
    }
}
