using Microsoft.Extensions.Configuration;
using MlNetBatch.Data;
using MlNetBatch.Jobs;

namespace MlNetBatch.Tests.Data;

public class DataFormatKindTests
{
    [Fact]
    public void Names_compare_ignoring_case()
    {
        Assert.Equal(DataFormatKind.Parquet, new DataFormatKind("parquet"));
        Assert.True(new DataFormatKind("JSONLINES") == DataFormatKind.JsonLines);
        Assert.NotEqual(DataFormatKind.Csv, new DataFormatKind("Tsv"));
        Assert.Equal(DataFormatKind.Csv.GetHashCode(), new DataFormatKind("csv").GetHashCode());
    }

    [Theory]
    [InlineData("Parquet", "Csv")]
    [InlineData("parquet", "jsonlines")]
    [InlineData("Avro", "MyPackageFormat")]
    public void Configuration_binds_format_names_as_written(string source, string sink)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Source:Format"] = source,
            ["Sink:Format"] = sink,
        }).Build();

        var job = configuration.Get<JobDefinition>()!;

        Assert.Equal(new DataFormatKind(source), job.Source.Format);
        Assert.Equal(sink, job.Sink.Format.Name);
    }

    [Fact]
    public void A_sink_writes_parquet_unless_told_otherwise() =>
        Assert.Equal(DataFormatKind.Parquet, new SinkDefinition().Format);

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void An_empty_name_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new DataFormatKind(name));
}
