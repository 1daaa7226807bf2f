using SkiaSharp;

namespace MlNetBatch.Tests.Support;

/// <summary>Lines of text rendered into PNGs, the same pixels on every run: a fixed font, size, margin and no antialiasing choices left to chance.</summary>
public static class TextImages
{
    /// <summary>DejaVu Sans, which Debian's fontconfig pulls in (fonts-dejavu-core, installed by .ci/run when missing).</summary>
    public const string FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    private static readonly string[] Words =
    [
        "invoice", "total", "amount", "due", "date", "customer", "order", "number", "shipping", "address", "batch", "model",
        "score", "table", "report", "monthly", "balance", "account", "payment", "received", "status", "pending", "approved",
        "quarter", "revenue", "window", "screen", "settings", "profile", "search", "results", "download", "upload", "server",
    ];

    /// <summary><paramref name="count"/> short lines of words and numbers, the same for the same <paramref name="seed"/>.</summary>
    public static List<string> Lines(int count, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var words = Enumerable.Range(0, random.Next(2, 5)).Select(_ => Words[random.Next(Words.Length)]).ToList();
            words.Insert(random.Next(words.Count + 1), random.Next(10, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture));
            lines.Add(string.Join(' ', words));
        }

        return lines;
    }

    /// <summary>
    /// One line of black text on white, encoded as PNG; <paramref name="degrees"/> turns it about its centre and
    /// <paramref name="noise"/> sets that share of pixels to random greys, drawn from <paramref name="seed"/>.
    /// </summary>
    public static byte[] RenderPng(string line, float size = 32, float degrees = 0, double noise = 0, int seed = 0)
    {
        using var typeface = SKTypeface.FromFile(FontPath) ?? throw new InvalidOperationException($"The font {FontPath} could not be loaded.");
        using var font = new SKFont(typeface, size);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        var width = (int)Math.Ceiling(font.MeasureText(line)) + 40;
        var height = (int)Math.Ceiling(size * 2);
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.RotateDegrees(degrees, width / 2f, height / 2f);
            canvas.DrawText(line, 20, size * 1.3f, SKTextAlign.Left, font, paint);
        }

        var random = new Random(seed);
        for (var i = 0; i < (int)(noise * width * height); i++)
        {
            var grey = (byte)random.Next(256);
            bitmap.SetPixel(random.Next(width), random.Next(height), new SKColor(grey, grey, grey));
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
