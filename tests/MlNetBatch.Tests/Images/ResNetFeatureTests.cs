using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;
using Xunit.Abstractions;

namespace MlNetBatch.Tests.Images;

/// <summary>
/// The image-classification sample (samples/image-features.json) over the committed sample images: ResNet18 features
/// through the job equal raw ONNX Runtime on the same tensors, those tensors equal an independent SkiaSharp crop, and
/// the same pipeline written in code gives the same features.
/// </summary>
public class ResNetFeatureTests(ITestOutputHelper output)
{
    // Raw ONNX Runtime scores one image at a time, the job 16 at once; the convolutions may sum in another order.
    private const float FeatureTolerance = 1e-4f;

    private static string SampleImages => Path.Combine(RepositoryPaths.Samples, "data", "images");

    [Fact]
    public void The_committed_sample_images_are_what_the_generator_draws()
    {
        var committed = Directory.GetFiles(SampleImages).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(ImageSamples.SampleCount, committed.Count);
        for (var i = 0; i < committed.Count; i++)
        {
            var (name, bytes) = ImageSamples.Render(i);
            Assert.Equal(name, Path.GetFileName(committed[i]));
            Assert.Equal(bytes, File.ReadAllBytes(committed[i]));
        }

        Assert.Contains(committed, p => p.EndsWith(".jpg", StringComparison.Ordinal));
        Assert.Contains(committed, p => p.EndsWith(".png", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sample_job_writes_ResNet18_features_equal_to_raw_onnx_runtime_on_the_same_tensors()
    {
        using var dir = new TempDirectory();
        var job = ResNetSample.Job(SampleImages, dir.Combine("out"));

        var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("image-features", job);

        Assert.Equal(ImageSamples.SampleCount, summary.RowsOut);
        Assert.Equal(0, summary.BadRows);
        var features = ResNetSample.ByFileName(dir.Combine("out"), "features");
        // The job's tensors, from the same stages run in code (a sink cannot take a 150,528-float column: see the report).
        var tensors = ImageFolders.ByPath<float>(ResNetSample.Preprocess(new MLContext(), new MLContext().Data.LoadImages(SampleImages)), "pixels")
            .ToDictionary(r => Path.GetFileName(r.Key), r => r.Value, StringComparer.Ordinal);
        Assert.Equal(Directory.GetFiles(SampleImages).Select(Path.GetFileName).Order(StringComparer.Ordinal), features.Keys.Order(StringComparer.Ordinal));
        using var session = new InferenceSession(ImageSamples.ResNet18PackageModel);
        float worstFeature = 0, worstPixel = 0;
        foreach (var (name, tensor) in tensors)
        {
            // The tensor the stages built is the one an independent crop-and-normalize gives, to rounding at edges.
            var reference = ResNetSample.ReferenceTensor(File.ReadAllBytes(Path.Combine(SampleImages, name)));
            Assert.Equal(reference.Length, tensor.Length);
            var meanError = 0.0;
            for (var i = 0; i < tensor.Length; i++)
            {
                var levels = Math.Abs(tensor[i] - reference[i]) * ResNetSample.Std[i / (ResNetSample.Side * ResNetSample.Side)] * 255f;
                worstPixel = Math.Max(worstPixel, levels);
                meanError += levels;
            }

            Assert.InRange(meanError / tensor.Length, 0, 0.5);

            // And the features the job wrote are ResNet18's on exactly that tensor.
            var raw = ResNetSample.RawFeatures(session, tensor);
            Assert.Equal(ResNetSample.Features, features[name].Length);
            Assert.Equal(raw.Length, features[name].Length);
            for (var k = 0; k < raw.Length; k++)
            {
                var error = Math.Abs(raw[k] - features[name][k]);
                worstFeature = Math.Max(worstFeature, error);
                Assert.True(error <= FeatureTolerance, $"{name}: feature {k} is {features[name][k]} through the job, {raw[k]} through ONNX Runtime");
            }
        }

        output.WriteLine($"worst feature difference {worstFeature:E2}; worst pixel difference from the reference crop {worstPixel:F2} levels");
        // Canvas drawing and pixmap scaling round a few edge pixels of the sharp shapes differently; on average they agree (above).
        Assert.InRange(worstPixel, 0, 12);
        // Different pictures give different features: a job that scored one image for all would fail here.
        Assert.Equal(features.Count, features.Values.Select(f => string.Join(",", f.Take(8))).Distinct().Count());
    }

    [Fact]
    public async Task The_same_pipeline_in_code_gives_the_features_of_the_job()
    {
        using var dir = new TempDirectory();
        var job = ResNetSample.Job(SampleImages, dir.Combine("job"));
        await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path)).RunAsync("image-features", job);

        // An ordinary ML.NET program: load the folder, decode, resize, normalize, score in batches, save to Parquet.
        var mlContext = new MLContext(seed: 0);
        IDataView images = mlContext.Data.LoadImages(SampleImages);
        var pixels = ResNetSample.Preprocess(mlContext, images);
        using var model = mlContext.Transforms.ScoreOnnx(new ScoreOnnxOptions
        {
            ModelPath = ImageSamples.ResNet18PackageModel,
            BatchSize = 16,
            Device = OnnxDevice.Cpu,
            InputColumns = { [ImageSamples.ResNetInput] = "pixels" },
            OutputColumns = { [ImageSamples.ResNetOutput] = "features" },
        }).Fit(pixels);
        var rows = mlContext.Data.SaveAsParquet(model.Transform(pixels), dir.Combine("code", "features.parquet"), "path", "features");

        Assert.Equal(ImageSamples.SampleCount, rows);
        var inCode = ResNetSample.ByFileName(dir.Combine("code"), "features");
        var byJob = ResNetSample.ByFileName(dir.Combine("job"), "features");
        Assert.Equal(byJob.Keys.Order(StringComparer.Ordinal), inCode.Keys.Order(StringComparer.Ordinal));
        Assert.All(byJob, row => Assert.Equal(row.Value, inCode[row.Key], (a, b) => Math.Abs(a - b) <= FeatureTolerance));
    }
}
