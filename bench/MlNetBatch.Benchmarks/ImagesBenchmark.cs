using System.Diagnostics;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Testing.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SkiaSharp;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// <c>--images [runs] [images]</c>: decode + resize (shorter side to 224, centre crop, bilinear) + normalize (ImageNet
/// mean/std, NCHW floats) on one core, for SkiaSharp (what the image stages use) and ImageSharp 2.1, on the same
/// generated 640 x 480 images, half JPEG (quality 90) and half PNG. Runs alternate between the libraries, and every
/// run is printed, since the machine is shared. "Reduced decode" is SkiaSharp with the size Resize needs given to
/// DecodeImage, so JPEGs decode at half scale (DCT scaling), as the image stages do when a job sets it.
/// </summary>
internal static class ImagesBenchmark
{
    private const int Side = 224;
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    public static void Run(int runs, int count)
    {
        var images = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            using var scene = GeneratedImages.Scene(640, 480, seed: i);
            images.Add(GeneratedImages.Encode(scene, i % 2 == 0 ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png));
        }

        // One core: ImageSharp otherwise spreads a resize over every core.
        SixLabors.ImageSharp.Configuration.Default.MaxDegreeOfParallelism = 1;
        var tensor = new float[3 * Side * Side];
        using var skia = new SkiaPixels();
        var resized = new byte[Side * Side * 4];
        var sampling = SkiaPixels.Sampling(ImageInterpolation.Linear);

        void Skia(byte[] encoded)
        {
            if (skia.TryDecode(encoded, out var rgba, out var width, out var height) is { } error)
            {
                throw new InvalidOperationException(error);
            }

            skia.Resize(rgba, width, height, resized, Side, Side, ImageResizeMode.CropCenter, sampling);
            Normalize(resized, 4, tensor);
        }

        // The image stages' fast path: DecodeImage told the size Resize needs, so a JPEG decodes at a reduced scale.
        void SkiaReduced(byte[] encoded)
        {
            if (skia.TryDecode(encoded, out var rgba, out var width, out var height, Side, Side) is { } error)
            {
                throw new InvalidOperationException(error);
            }

            skia.Resize(rgba, width, height, resized, Side, Side, ImageResizeMode.CropCenter, sampling);
            Normalize(resized, 4, tensor);
        }

        var rgb = new byte[Side * Side * 3];
        void ImageSharp(byte[] encoded)
        {
            using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(encoded);
            image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(Side, Side), Mode = ResizeMode.Crop, Sampler = KnownResamplers.Triangle }));
            image.CopyPixelDataTo(rgb);
            Normalize(rgb, 3, tensor);
        }

        void SkiaDecode(byte[] encoded) => _ = skia.TryDecode(encoded, out _, out _, out _);
        void ImageSharpDecode(byte[] encoded)
        {
            using var image = SixLabors.ImageSharp.Image.Load<Rgba32>(encoded);
        }

        var jpegBytes = images.Where((_, i) => i % 2 == 0).Sum(b => (long)b.Length);
        var pngBytes = images.Where((_, i) => i % 2 == 1).Sum(b => (long)b.Length);
        Console.WriteLine($"Images benchmark: {count} images of 640 x 480 (JPEG q90 avg {jpegBytes / Math.Max(1, (count + 1) / 2) / 1024} KiB, PNG avg {pngBytes / Math.Max(1, count / 2) / 1024} KiB), "
            + $"decode + resize {Side} (crop centre, bilinear) + normalize to NCHW floats, 1 thread, {runs} alternating runs");
        Console.WriteLine($"  SkiaSharp {Version(typeof(SKBitmap))}, ImageSharp {Version(typeof(SixLabors.ImageSharp.Image))}, load average {Load()}");
        var results = new Dictionary<string, List<(double All, double Jpeg, double Png)>>
        {
            ["SkiaSharp"] = [], ["SkiaSharp reduced decode"] = [], ["ImageSharp"] = [], ["SkiaSharp decode only"] = [], ["ImageSharp decode only"] = [],
        };
        foreach (var warm in images.Take(10))
        {
            Skia(warm);
            ImageSharp(warm);
        }

        for (var run = 0; run < runs; run++)
        {
            results["SkiaSharp"].Add(Time(images, Skia));
            results["ImageSharp"].Add(Time(images, ImageSharp));
            results["SkiaSharp reduced decode"].Add(Time(images, SkiaReduced));
            results["SkiaSharp decode only"].Add(Time(images, SkiaDecode));
            results["ImageSharp decode only"].Add(Time(images, ImageSharpDecode));
        }

        foreach (var (name, rates) in results)
        {
            Console.WriteLine($"  {name,-24} images/s: all {Median(rates.Select(r => r.All)),6:N0} (runs {string.Join(", ", rates.Select(r => r.All.ToString("N0")))})"
                + $"; JPEG {Median(rates.Select(r => r.Jpeg)),6:N0}; PNG {Median(rates.Select(r => r.Png)),6:N0}");
        }

        // Every core, as a job's stage pool runs them: one decoder and buffers per thread.
        var cores = Environment.ProcessorCount;
        var allCores = Enumerable.Range(0, runs).Select(_ => AllCores(images, cores, sampling)).ToList();
        var oneThread = Median(results["SkiaSharp reduced decode"].Select(r => r.All));
        Console.WriteLine($"  SkiaSharp reduced decode, {cores} threads: images/s {Median(allCores),6:N0} (runs {string.Join(", ", allCores.Select(r => r.ToString("N0")))}); "
            + $"{Median(allCores) / oneThread:F2}x one thread");
    }

    /// <summary>The job's path (reduced decode, resize, normalize) over every image on <paramref name="threads"/> threads; images/s.</summary>
    private static double AllCores(List<byte[]> images, int threads, SKSamplingOptions sampling)
    {
        var start = Stopwatch.GetTimestamp();
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => (Pixels: new SkiaPixels(), Resized: new byte[Side * Side * 4], Tensor: new float[3 * Side * Side]),
            (i, _, local) =>
            {
                if (local.Pixels.TryDecode(images[i], out var rgba, out var width, out var height, Side, Side) is { } error)
                {
                    throw new InvalidOperationException(error);
                }

                local.Pixels.Resize(rgba, width, height, local.Resized, Side, Side, ImageResizeMode.CropCenter, sampling);
                Normalize(local.Resized, 4, local.Tensor);
                return local;
            },
            local => local.Pixels.Dispose());
        return images.Count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static (double All, double Jpeg, double Png) Time(List<byte[]> images, Action<byte[]> work)
    {
        var jpeg = TimeSpan.Zero;
        var png = TimeSpan.Zero;
        for (var i = 0; i < images.Count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            work(images[i]);
            var elapsed = Stopwatch.GetElapsedTime(start);
            _ = i % 2 == 0 ? jpeg += elapsed : png += elapsed;
        }

        var jpegs = (images.Count + 1) / 2;
        var pngs = images.Count / 2;
        return (images.Count / (jpeg + png).TotalSeconds, jpegs / jpeg.TotalSeconds, pngs / Math.Max(1e-9, png.TotalSeconds));
    }

    /// <summary>The same normalization for both libraries: (v / 255 - mean) / std, channel planes first.</summary>
    private static void Normalize(byte[] pixels, int stride, float[] tensor)
    {
        const int plane = Side * Side;
        for (var c = 0; c < 3; c++)
        {
            var scale = 1f / (255f * Std[c]);
            var shift = -Mean[c] / Std[c];
            for (var p = 0; p < plane; p++)
            {
                tensor[(c * plane) + p] = (pixels[(p * stride) + c] * scale) + shift;
            }
        }
    }

    private static string Version(Type type) =>
        System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(type.Assembly)?.InformationalVersion.Split('+')[0] ?? "?";

    /// <summary>The one-minute load average where the system reports it: how shared the cores were.</summary>
    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }
}
