using System.Reflection;
using SkiaSharp;

namespace MlNetBatch.Samples.Generator;

/// <summary>
/// The image-classification sample's inputs, drawn with SkiaSharp and never downloaded: gradients, shapes and a line of
/// text, landscape and portrait, as JPEG and PNG. The same index always gives the same file; and the ResNet18 ONNX
/// model the <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> package ships (MIT), copied out of the NuGet cache.
/// </summary>
public static class ImageSamples
{
    /// <summary>How many images the sample folder holds.</summary>
    public const int SampleCount = 50;

    /// <summary>The ResNet18 model's input (NCHW, [1, 3, 224, 224] in the file) and its 512 pooled features ([1, 512, 1, 1]).</summary>
    public const string ResNetInput = "Input247";

    /// <summary>The ResNet18 model's output: the 512 pooled features.</summary>
    public const string ResNetOutput = "Pooling395_Output_0";

    /// <summary>The file name the model is copied to under the samples' <c>models</c> folder.</summary>
    public const string ResNetFileName = "resnet18.onnx";

    // Sizes around what photos are once thumbnailed, both orientations and one square; small so the folder stays small.
    private static readonly (int Width, int Height)[] Sizes = [(320, 240), (240, 320), (256, 256), (300, 200), (200, 300), (288, 216), (180, 240)];

    private static readonly string[] Words = ["invoice", "harbour", "sunset", "red car", "meadow", "42", "station", "kitten"];

    /// <summary>The ResNet18 ONNX file in the restored package (the package path is recorded at build time).</summary>
    public static string ResNet18PackageModel => Path.Combine(
        typeof(ImageSamples).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ResNet18PackagePath").Value!,
        "tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>Image <paramref name="index"/>'s file name and encoded bytes; even indexes are JPEG, odd ones PNG.</summary>
    public static (string FileName, byte[] Bytes) Render(int index, int? width = null, int? height = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var size = Sizes[index % Sizes.Length];
        using var bitmap = Draw(width ?? size.Width, height ?? size.Height, seed: index);
        var jpeg = index % 2 == 0;
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 85);
        return ($"image-{index:D5}.{(jpeg ? "jpg" : "png")}", data.ToArray());
    }

    /// <summary>Writes images 0 to <paramref name="count"/> - 1 into <paramref name="folder"/>; returns their paths in name order.</summary>
    public static List<string> WriteFolder(string folder, int count = SampleCount, int? width = null, int? height = null)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var (name, bytes) = Render(i, width, height);
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>Copies the packaged ResNet18 model to <paramref name="modelsFolder"/> (unless an identical copy is there); returns its path.</summary>
    public static string CopyResNet18(string modelsFolder)
    {
        var source = new FileInfo(ResNet18PackageModel);
        if (!source.Exists)
        {
            throw new FileNotFoundException($"The ResNet18 model is not at {source.FullName}; restore the solution (dotnet restore) so the Microsoft.ML.DnnImageFeaturizer.ResNet18 package is in the NuGet cache.");
        }

        Directory.CreateDirectory(modelsFolder);
        var target = new FileInfo(Path.Combine(modelsFolder, ResNetFileName));
        if (!target.Exists || target.Length != source.Length)
        {
            source.CopyTo(target.FullName, overwrite: true);
        }

        return target.FullName;
    }

    private static SKBitmap Draw(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        using (var background = new SKPaint())
        {
            background.Shader = random.Next(2) == 0
                ? SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [Colour(random), Colour(random), Colour(random)], SKShaderTileMode.Clamp)
                : SKShader.CreateRadialGradient(new SKPoint(width * 0.4f, height * 0.6f), Math.Max(width, height) * 0.7f, [Colour(random), Colour(random)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, background);
        }

        using var paint = new SKPaint { IsAntialias = true };
        var shapes = random.Next(4, 10);
        for (var i = 0; i < shapes; i++)
        {
            paint.Color = Colour(random).WithAlpha((byte)random.Next(140, 256));
            paint.Style = random.Next(3) == 0 ? SKPaintStyle.Stroke : SKPaintStyle.Fill;
            paint.StrokeWidth = random.Next(2, 8);
            var x = random.Next(width);
            var y = random.Next(height);
            var size = random.Next(Math.Min(width, height) / 10, Math.Min(width, height) / 2);
            switch (i % 3)
            {
                case 0:
                    canvas.DrawCircle(x, y, size / 2f, paint);
                    break;
                case 1:
                    canvas.DrawRoundRect(x - (size / 2f), y - (size / 3f), size, size * 2f / 3f, 6, 6, paint);
                    break;
                default:
                    canvas.DrawOval(x, y, size / 2f, size / 4f, paint);
                    break;
            }
        }

        // A caption, as photos and screenshots carry; with no font installed Skia draws nothing here, still deterministically.
        using var font = new SKFont(SKTypeface.Default, Math.Max(12, height / 10f));
        paint.Style = SKPaintStyle.Fill;
        paint.Color = random.Next(2) == 0 ? SKColors.White : SKColors.Black;
        canvas.DrawText(Words[random.Next(Words.Length)], width * 0.08f, height * 0.9f, SKTextAlign.Left, font, paint);
        return bitmap;
    }

    private static SKColor Colour(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
}
