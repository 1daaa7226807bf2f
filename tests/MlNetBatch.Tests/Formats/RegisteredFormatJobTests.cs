using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Formats;

// The semicolon format lives in this test project only: nothing in src names it, as a format package would not.
public class RegisteredFormatJobTests
{
    [Theory]
    [InlineData("Semicolon")]
    [InlineData(null)] // taken from the registered extension, .ssv
    public async Task A_registered_format_is_read_and_written_by_a_job_configured_by_its_name(string? sourceFormat)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        await File.WriteAllTextAsync(dir.Combine("in", "a.ssv"), Rows(0, 50));
        await File.WriteAllTextAsync(dir.Combine("in", "b.ssv"), Rows(50, 50));
        var settings = Job(dir, sourceFormat, sinkFormat: "semicolon");
        using var provider = Services(settings, registerSemicolon: true);
        var job = provider.GetRequiredService<IOptions<MlNetBatchOptions>>().Value.Jobs["semi"];

        var summary = await provider.GetRequiredService<JobRunner>().RunAsync("semi", job);

        Assert.Equal(100, summary.RowsOut);
        Assert.Equal(2, summary.OutputFiles.Count);
        Assert.All(summary.OutputFiles, f => Assert.EndsWith(".ssv", f, StringComparison.Ordinal));
        var written = Directory.GetFiles(dir.Combine("out"), "*.ssv").Select(File.ReadAllLines).ToList();
        Assert.All(written, lines => Assert.Equal("id;f_scored", lines[0]));
        var scores = written.SelectMany(lines => lines.Skip(1)).Select(line => line.Split(';')).ToDictionary(
            fields => float.Parse(fields[0], CultureInfo.InvariantCulture), fields => float.Parse(fields[1], CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)i), scores.Keys.Order());
        Assert.All(scores, s => Assert.Equal(s.Key / 2, s.Value));
    }

    [Fact]
    public void A_format_nobody_registered_fails_at_start_with_the_names_that_are()
    {
        using var dir = new TempDirectory();
        var settings = Job(dir, sourceFormat: "Avro", sinkFormat: "Semicolon");
        using var provider = Services(settings, registerSemicolon: false);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MlNetBatchOptions>>().Value);

        Assert.Contains("MlNetBatch:Jobs:semi:Source:Format: no format named 'Avro' is registered; the formats are Parquet, Csv, JsonLines, Text, Images.", error.Failures);
        Assert.Contains("MlNetBatch:Jobs:semi:Sink:Format: no format named 'Semicolon' can be written; the formats that can are Parquet, Csv, JsonLines.", error.Failures);
    }

    [Fact]
    public void The_names_listed_include_the_registered_formats()
    {
        using var dir = new TempDirectory();
        using var provider = Services(Job(dir, sourceFormat: "Avro", sinkFormat: "Parquet"), registerSemicolon: true);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MlNetBatchOptions>>().Value);

        Assert.Equal(
            ["MlNetBatch:Jobs:semi:Source:Format: no format named 'Avro' is registered; the formats are Parquet, Csv, JsonLines, Text, Images, Semicolon."],
            error.Failures.Where(f => f.Contains("Format", StringComparison.Ordinal)));
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings, bool registerSemicolon)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddMlNetBatch(configuration.GetSection("MlNetBatch"));
        if (registerSemicolon)
        {
            services.AddMlNetBatchFormat(SemicolonFormat.Registration, SemicolonBatchWriter.Registration);
        }

        return services.BuildServiceProvider();
    }

    /// <summary>A job scoring column <c>f</c> with a model that returns it halved, as <c>f_scored</c>.</summary>
    private static Dictionary<string, string?> Job(TempDirectory dir, string? sourceFormat, string sinkFormat)
    {
        var model = dir.Combine("half.onnx");
        new OnnxModelBuilder("half")
            .AddInput("f", OnnxElementType.Float, "batch")
            .AddOutput("f_scored", OnnxElementType.Float, "batch")
            .AddInitializer("two", [2f])
            .AddNode("Div", ["f", "two"], ["f_scored"])
            .Save(model);
        const string job = "MlNetBatch:Jobs:semi:";
        return new Dictionary<string, string?>
        {
            [job + "Source:Path"] = dir.Combine("in", "*.ssv"),
            [job + "Source:Format"] = sourceFormat,
            [job + "Model:ModelPath"] = model,
            [job + "Model:Device"] = "Cpu",
            [job + "Sink:Path"] = dir.Combine("out"),
            [job + "Sink:Format"] = sinkFormat,
            [job + "Sink:Columns:0"] = "id",
            [job + "Sink:Columns:1"] = "f_scored",
        };
    }

    private static string Rows(int first, int count) =>
        "id;f\n" + string.Concat(Enumerable.Range(first, count).Select(i => $"{i};{i.ToString(CultureInfo.InvariantCulture)}\n"));
}
