// Stock ML.NET's way to featurize images with an ONNX model, timed for bench --resnet (which starts this process):
// ImageAnalytics' LoadImages, ResizeImages (isotropic, centre crop) and ExtractPixels (planar floats, one scale for all
// channels: it has no per-channel mean/std), then OnnxTransformer's ApplyOnnxModel, which scores a row at a time.
// Usage: MlNetBatch.StockImages <imageFolder> <model.onnx> <inputName> <outputName> [runs]
// Prints "images/s <rate>" for the best run, after a warm-up on two images.
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

if (args.Length is < 4 or > 5)
{
    Console.Error.WriteLine("Usage: MlNetBatch.StockImages <imageFolder> <model.onnx> <inputName> <outputName> [runs]");
    return 2;
}

const int Side = 224;
var (folder, model, input, output) = (args[0], args[1], args[2], args[3]);
var runs = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
var paths = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
var ml = new MLContext(seed: 0);
var data = ml.Data.LoadFromEnumerable(paths.Select(p => new ImagePath { Path = p }));
var pipeline = ml.Transforms.LoadImages("image", imageFolder: null, inputColumnName: nameof(ImagePath.Path))
    .Append(ml.Transforms.ResizeImages("image", Side, Side, "image", ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Center))
    .Append(ml.Transforms.ExtractPixels(input, "image", interleavePixelColors: false, scaleImage: 1f / 255f))
    .Append(ml.Transforms.ApplyOnnxModel([output], [input], model));
using var transformer = pipeline.Fit(data);
Drain(transformer.Transform(ml.Data.TakeRows(data, 2)), output, 2);
var best = TimeSpan.MaxValue;
for (var run = 0; run < runs; run++)
{
    var watch = Stopwatch.StartNew();
    Drain(transformer.Transform(data), output, paths.Count);
    best = watch.Elapsed < best ? watch.Elapsed : best;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"images/s {paths.Count / best.TotalSeconds:F2}"));
return 0;

static void Drain(IDataView scored, string output, int expected)
{
    var column = scored.Schema[output];
    using var cursor = scored.GetRowCursor([column]);
    var getter = cursor.GetGetter<VBuffer<float>>(column);
    VBuffer<float> value = default;
    var rows = 0;
    while (cursor.MoveNext())
    {
        getter(ref value);
        rows++;
    }

    if (rows != expected)
    {
        throw new InvalidOperationException($"Stock ML.NET scored {rows} rows of {expected}.");
    }
}

internal sealed class ImagePath
{
    public string Path { get; set; } = string.Empty;
}
