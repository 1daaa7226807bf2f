using SkiaSharp;

namespace MlNetBatch.Testing.Images;

/// <summary>
/// Deterministic test images drawn with SkiaSharp, never downloaded: a gradient with shapes and a little noise, so
/// that JPEG compresses them as it would a photo. The same seed gives the same pixels.
/// </summary>
public static class GeneratedImages
{
    /// <summary>An opaque <paramref name="width"/> x <paramref name="height"/> scene; the caller disposes it.</summary>
    public static SKBitmap Scene(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
        {
            using var background = new SKPaint();
            background.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [RandomColor(random), RandomColor(random)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, background);
            using var paint = new SKPaint { IsAntialias = true };
            for (var i = 0; i < 12; i++)
            {
                paint.Color = RandomColor(random);
                var x = random.Next(width);
                var y = random.Next(height);
                var size = random.Next(Math.Max(2, Math.Min(width, height) / 8), Math.Max(3, Math.Min(width, height) / 2));
                if (i % 2 == 0)
                {
                    canvas.DrawCircle(x, y, size / 2f, paint);
                }
                else
                {
                    canvas.DrawRect(x, y, size, size / 2f, paint);
                }
            }
        }

        var pixels = bitmap.GetPixelSpan();
        for (var p = 0; p < pixels.Length; p += 4)
        {
            var noise = random.Next(-6, 7);
            for (var c = 0; c < 3; c++)
            {
                pixels[p + c] = (byte)Math.Clamp(pixels[p + c] + noise, 0, 255);
            }

            pixels[p + 3] = 255;
        }

        return bitmap;
    }

    /// <summary>A bitmap whose pixel (x, y) is given by <paramref name="pixel"/> as RGBA; for images with known values.</summary>
    public static SKBitmap FromPixels(int width, int height, Func<int, int, (byte R, byte G, byte B, byte A)> pixel)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var span = bitmap.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (r, g, b, a) = pixel(x, y);
                var i = ((y * width) + x) * 4;
                span[i] = r;
                span[i + 1] = g;
                span[i + 2] = b;
                span[i + 3] = a;
            }
        }

        return bitmap;
    }

    /// <summary>The bitmap encoded as <paramref name="format"/> (JPEG and WebP at <paramref name="quality"/>).</summary>
    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality) ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}.");
        return data.ToArray();
    }

    /// <summary>The RGBA bytes of a bitmap, row after row.</summary>
    public static byte[] Rgba(SKBitmap bitmap) => bitmap.GetPixelSpan().ToArray();

    private static SKColor RandomColor(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
}
