using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring.Functions;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Storage;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Models;

namespace MlNetBatch.Tests.Samples;

/// <summary>
/// The OCR sample as shipped: the <c>ocr</c> job of appsettings.json (an Images source, tesseract as a registered batch
/// model, <c>path, text</c> to Parquet) over the committed screens, from the local folder and from a real s3rver.
/// </summary>
public sealed class OcrSampleTests(CrossStoreServers servers) : IClassFixture<CrossStoreServers>
{
    private static string Screens => Path.Combine(RepositoryPaths.Samples, "data", "ocr");

    [Fact]
    public async Task The_shipped_job_reads_at_least_90_percent_of_the_lines_exactly_and_the_rest_nearly()
    {
        using var dir = new TempDirectory();
        var job = ShippedJob(dir);

        var texts = await RunAsync(job, ObjectStoreResolver.LocalOnly, dir);

        var lines = OcrScreens.SampleLines();
        Assert.Equal(Enumerable.Range(0, lines.Count).Select(i => $"screen-{i:D2}.png"), texts.Keys.Order(StringComparer.Ordinal));
        var distances = lines.Select((line, i) => EditDistance(texts[$"screen-{i:D2}.png"], line)).ToList();
        Assert.True(distances.Count(d => d == 0) >= 0.9 * lines.Count, string.Join(" | ", texts.Values));
        Assert.All(distances, d => Assert.InRange(d, 0, 3));
    }

    [Fact]
    public async Task The_same_screens_on_s3_give_the_same_text_as_the_local_folder()
    {
        using var dir = new TempDirectory();
        var prefix = $"s3://{CrossStoreServers.Bucket}/ocr-{Guid.NewGuid():N}/screens/";
        foreach (var file in Directory.GetFiles(Screens, "*.png"))
        {
            await using var write = await servers.S3Store.CreateAsync(ObjectLocation.Parse(prefix + Path.GetFileName(file)));
            await using (var source = File.OpenRead(file))
            {
                await source.CopyToAsync(write.Stream);
            }

            await write.CommitAsync();
        }

        var local = await RunAsync(ShippedJob(dir), ObjectStoreResolver.LocalOnly, dir);
        var fromS3Job = ShippedJob(dir);
        fromS3Job.Source.Path = prefix;
        var fromS3 = await RunAsync(fromS3Job, new ObjectStoreResolver([servers.S3Store]), dir, "s3-out");

        Assert.Equal(OcrScreens.SampleCount, fromS3.Count);
        Assert.Equal(local, fromS3);
    }

    /// <summary>The <c>ocr</c> job bound from the repository's appsettings.json, writing under <paramref name="dir"/>.</summary>
    private static JobDefinition ShippedJob(TempDirectory dir)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, "appsettings.json")).Build();
        var job = configuration.GetSection(MlNetBatchOptions.SectionName).Get<MlNetBatchOptions>()!.Jobs["ocr"];
        job.Source.Path = Screens;
        return job;
    }

    /// <summary>Runs <paramref name="job"/> with tesseract registered as the worker registers it; returns text by file name.</summary>
    private static async Task<Dictionary<string, string>> RunAsync(JobDefinition job, ObjectStoreResolver resolver, TempDirectory dir, string output = "out")
    {
        job.Sink.Path = dir.Combine(output);
        var services = new ServiceCollection().AddOptions().AddBatchModel<TesseractOcrModel>("tesseract").BuildServiceProvider();
        var summary = await new JobRunner(resolver, new JobPaths(RepositoryPaths.Root), batchModels: services.GetRequiredService<BatchModelRegistry>()).RunAsync("ocr", job);
        Assert.Equal((0L, (long)OcrScreens.SampleCount), (summary.BadRows, summary.RowsOut));
        var written = new MLContext(1).Data.LoadFromParquet(dir.Combine(output, "*.parquet"));
        return DataViewReader.Text(written, "path").Zip(DataViewReader.Text(written, "text"))
            .ToDictionary(p => Uri.UnescapeDataString(p.First[(p.First.LastIndexOf('/') + 1)..]), p => p.Second);
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
