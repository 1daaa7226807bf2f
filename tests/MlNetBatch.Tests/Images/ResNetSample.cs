using Microsoft.Extensions.Configuration;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using SkiaSharp;

namespace MlNetBatch.Tests.Images;

/// <summary>
/// The image-classification sample as the tests use it: its job file (samples/image-features.json) bound as the
/// worker binds it, pointed at the packaged ResNet18 model; and the independent references its output is checked
/// against (SkiaSharp drawing the crop itself, and raw ONNX Runtime on the original fixed-batch model).
/// </summary>
internal static class ResNetSample
{
    public const int Side = 224;

    public const int Features = 512;

    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];

    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>The sample job, reading <paramref name="source"/> and writing to <paramref name="sink"/>, with the packaged model.</summary>
    public static JobDefinition Job(string source, string sink)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Samples, "image-features.json")).Build();
        var job = configuration.GetSection(MlNetBatchOptions.SectionName).Get<MlNetBatchOptions>()!.Jobs["image-features"];
        job.Source.Path = source;
        job.Model.ModelPath = ImageSamples.ResNet18PackageModel;
        job.Sink.Path = sink;
        return job;
    }

    /// <summary>
    /// The sample's preprocessing written in code (decode, resize 224 crop-centre, ImageNet-normalized NCHW floats) over
    /// <paramref name="images"/>: the data view with <c>path</c> and <c>pixels</c>. Each stage is fitted on the previous
    /// one's output, as an estimator chain's Fit does.
    /// </summary>
    public static IDataView Preprocess(MLContext mlContext, IDataView images)
    {
        var decoded = mlContext.Transforms.DecodeImage().Fit(images).Transform(images);
        var resized = mlContext.Transforms.ResizeImage("resized", Side, Side, mode: ImageResizeMode.CropCenter).Fit(decoded).Transform(decoded);
        var tensor = new ImageTensorOptions { Mean = [.. Mean], Std = [.. Std] };
        return mlContext.Transforms.ImageToTensor("pixels", "resized", tensor).Fit(resized).Transform(resized);
    }

    /// <summary>Each row's vector in <paramref name="column"/> by its image's file name, from Parquet output.</summary>
    public static Dictionary<string, float[]> ByFileName(string output, string column)
    {
        var view = new MLContext().Data.LoadFromParquet(output);
        return DataViewReader.Text(view, "path").Zip(DataViewReader.Vectors(view, column))
            .ToDictionary(r => Path.GetFileName(r.First), r => r.Second, StringComparer.Ordinal);
    }

    /// <summary>
    /// The model input for an encoded image, made without the image stages: the shorter side scaled to 224 and the
    /// centre cut out by drawing on a canvas (bilinear), then (value / 255 - mean) / std per channel, NCHW.
    /// </summary>
    public static float[] ReferenceTensor(byte[] encoded)
    {
        using var decoded = SKBitmap.Decode(encoded);
        using var image = SKImage.FromBitmap(decoded);
        var scale = (double)Side / Math.Min(decoded.Width, decoded.Height);
        var cropWidth = Math.Min(decoded.Width, Side / scale);
        var cropHeight = Math.Min(decoded.Height, Side / scale);
        var left = Math.Floor((decoded.Width - cropWidth) / 2);
        var top = Math.Floor((decoded.Height - cropHeight) / 2);
        using var target = new SKBitmap(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(target))
        {
            var source = SKRect.Create((float)left, (float)top, (float)cropWidth, (float)cropHeight);
            canvas.DrawImage(image, source, SKRect.Create(Side, Side), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None), null);
        }

        var rgba = target.GetPixelSpan();
        var tensor = new float[3 * Side * Side];
        for (var c = 0; c < 3; c++)
        {
            for (var p = 0; p < Side * Side; p++)
            {
                tensor[(c * Side * Side) + p] = ((rgba[(p * 4) + c] / 255f) - Mean[c]) / Std[c];
            }
        }

        return tensor;
    }

    /// <summary>ResNet18's 512 features for one NCHW tensor, from the original model file (batch 1) through raw ONNX Runtime.</summary>
    public static float[] RawFeatures(InferenceSession session, float[] tensor)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(tensor, [1, 3, Side, Side]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [ImageSamples.ResNetInput], [input], [ImageSamples.ResNetOutput]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
