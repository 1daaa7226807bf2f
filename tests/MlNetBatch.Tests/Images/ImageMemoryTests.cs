using System.Diagnostics;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;
using Xunit.Abstractions;

namespace MlNetBatch.Tests.Images;

/// <summary>Runs alone: it measures the process's working set, which tests running beside it would move.</summary>
[CollectionDefinition(nameof(ImageMemoryCollection), DisableParallelization = true)]
public sealed class ImageMemoryCollection;

/// <summary>The image sample's preprocessing over 10,000 images holds a few blocks of tensors, not the whole input.</summary>
[Collection(nameof(ImageMemoryCollection))]
public class ImageMemoryTests(ITestOutputHelper output)
{
    private const int Images = 10_000;

    // 10,000 tensors of 3 x 224 x 224 floats are 6 GB; the job may hold a few partitions' blocks of them at once.
    private const long GrowthBound = 768L << 20;

    [Fact]
    public async Task Ten_thousand_images_are_scored_with_a_bounded_working_set()
    {
        using var dir = new TempDirectory();
        ImageSamples.WriteFolder(dir.Combine("in"), Images, width: 48, height: 36);

        // The sample job's preprocessing, with a model that averages each channel instead of ResNet18, so the run is quick.
        var model = dir.Combine("mean.onnx");
        new OnnxModelBuilder("mean")
            .AddInput("pixels", OnnxElementType.Float, "batch", 3, ResNetSample.Side, ResNetSample.Side)
            .AddOutput("means", OnnxElementType.Float, "batch", 3, 1, 1)
            .AddNode("GlobalAveragePool", ["pixels"], ["means"])
            .Save(model);
        var job = ResNetSample.Job(dir.Combine("in"), dir.Combine("out"));
        job.Source.FilesPerPartition = 500;
        job.Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = model, BatchSize = 16, Device = OnnxDevice.Cpu };
        job.Sink.Columns = ["path", "means"];
        job.Execution.Parallelism = 2;
        using var process = Process.GetCurrentProcess();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        process.Refresh();
        var baseline = process.WorkingSet64;
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(10, CancellationToken.None);
            }
        });

        var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("many-images", job);
        await stop.CancelAsync();
        await sampler;

        Assert.Equal(Images, summary.RowsOut);
        Assert.Equal(Images / 500, summary.Partitions);
        var means = DataViewReader.Vectors(new MLContext().Data.LoadFromParquet(dir.Combine("out")), "means");
        Assert.Equal(Images, means.Count);
        Assert.All(means, m => Assert.Equal(3, m.Length));
        output.WriteLine($"working set {baseline >> 20} MB before, {peak >> 20} MB at its peak over {Images} images");
        Assert.InRange(peak - baseline, 0, GrowthBound);
    }
}
