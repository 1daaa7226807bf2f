using SkiaSharp;

namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>
/// Decodes and scales RGBA images with SkiaSharp (libjpeg-turbo, libpng, libwebp inside; chosen over ImageSharp by the
/// bench's images mode). One per mapper: it keeps two native pixel buffers that grow to the largest image seen, so
/// decoding and scaling allocate nothing per image once warm. The library builds without unsafe code, so pixels move
/// between native and managed memory as spans.
/// </summary>
internal sealed class SkiaPixels : IDisposable
{
    /// <summary>The largest image decoded, in pixels (about 16k x 16k), so a hostile header cannot ask for any amount of memory.</summary>
    public const long MaxPixels = 1L << 28;

    private SKBitmap? _first;
    private SKBitmap? _second;

    /// <summary>
    /// Decodes <paramref name="encoded"/> into non-premultiplied RGBA rows. Returns null, or why the bytes are not a
    /// whole image Skia can decode (unknown format, truncated, corrupt, too large). With a minimum size, a codec that
    /// can decode at a reduced scale (JPEG's DCT scaling: 1/2, 1/4, 1/8) decodes at the smallest scale still at least
    /// <paramref name="minWidth"/> x <paramref name="minHeight"/>, much faster than decoding everything and scaling down after.
    /// </summary>
    public string? TryDecode(ReadOnlySpan<byte> encoded, out ReadOnlySpan<byte> rgba, out int width, out int height, int minWidth = 0, int minHeight = 0)
    {
        rgba = default;
        width = height = 0;
        if (encoded.IsEmpty)
        {
            return "the image is empty (0 bytes).";
        }

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return $"not an image SkiaSharp can decode (JPEG, PNG, BMP, WebP, GIF); {encoded.Length} bytes starting {Convert.ToHexString(encoded[..Math.Min(8, encoded.Length)])}.";
        }

        width = codec.Info.Width;
        height = codec.Info.Height;
        if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
        {
            return $"the image is {width} x {height} pixels; at most {MaxPixels} pixels are decoded.";
        }

        if (minWidth > 0 && minHeight > 0)
        {
            (width, height) = Reduced(codec, width, height, minWidth, minHeight);
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var target = Ensure(ref _first, width, height);
        var result = codec.GetPixels(info, target.GetPixels());
        if (result != SKCodecResult.Success)
        {
            // IncompleteInput (a truncated file) still fills the rest with a default colour: a guess, not the image.
            return $"decoding failed: {result}{(result == SKCodecResult.IncompleteInput ? " (the file is truncated)" : string.Empty)}.";
        }

        rgba = target.GetPixelSpan()[..(width * height * 4)];
        return null;
    }

    /// <summary>
    /// Scales <paramref name="rgba"/> (<paramref name="width"/> x <paramref name="height"/>) into
    /// <paramref name="destination"/> (<paramref name="targetWidth"/> x <paramref name="targetHeight"/> RGBA rows).
    /// </summary>
    public void Resize(ReadOnlySpan<byte> rgba, int width, int height, Span<byte> destination, int targetWidth, int targetHeight, ImageResizeMode mode, SKSamplingOptions sampling)
    {
        // The decoded pixels may be the first buffer's already (decode, then resize in one stage); otherwise copy them in.
        var source = Ensure(ref _first, width, height);
        var sourceSpan = source.GetPixelSpan()[..rgba.Length];
        if (!sourceSpan.Overlaps(rgba))
        {
            rgba.CopyTo(sourceSpan);
        }

        var target = Ensure(ref _second, targetWidth, targetHeight);
        using var from = new SKPixmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), source.GetPixels(), width * 4);
        using var to = new SKPixmap(new SKImageInfo(targetWidth, targetHeight, SKColorType.Rgba8888, SKAlphaType.Unpremul), target.GetPixels(), targetWidth * 4);
        var targetSpan = target.GetPixelSpan()[..(targetWidth * targetHeight * 4)];
        switch (mode)
        {
            case ImageResizeMode.Stretch:
                Scale(from, to, sampling);
                break;
            case ImageResizeMode.CropCenter:
                using (var crop = from.ExtractSubset(ResizeGeometry.CenterCrop(width, height, targetWidth, targetHeight)) ?? throw Unscalable(from, to))
                {
                    Scale(crop, to, sampling);
                }

                break;
            case ImageResizeMode.Pad:
                targetSpan.Clear();
                using (var inner = to.ExtractSubset(ResizeGeometry.Letterbox(width, height, targetWidth, targetHeight)) ?? throw Unscalable(from, to))
                {
                    Scale(from, inner, sampling);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown resize mode.");
        }

        targetSpan.CopyTo(destination);
    }

    /// <summary>The smallest size the codec decodes at that still covers the minimum; the full size when none is smaller.</summary>
    private static (int Width, int Height) Reduced(SKCodec codec, int width, int height, int minWidth, int minHeight)
    {
        foreach (var scale in (ReadOnlySpan<float>)[0.125f, 0.25f, 0.5f])
        {
            var size = codec.GetScaledDimensions(scale);
            if (size.Width >= minWidth && size.Height >= minHeight && size.Width < width)
            {
                return (size.Width, size.Height);
            }
        }

        return (width, height);
    }

    /// <summary>Skia's sampling for an interpolation.</summary>
    public static SKSamplingOptions Sampling(ImageInterpolation interpolation) => interpolation switch
    {
        ImageInterpolation.Nearest => new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None),
        ImageInterpolation.Linear => new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None),
        ImageInterpolation.Cubic => new SKSamplingOptions(SKCubicResampler.Mitchell),
        _ => throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "Unknown interpolation."),
    };

    public void Dispose()
    {
        _first?.Dispose();
        _second?.Dispose();
        _first = _second = null;
    }

    private static void Scale(SKPixmap from, SKPixmap to, SKSamplingOptions sampling)
    {
        if (!from.ScalePixels(to, sampling))
        {
            throw Unscalable(from, to);
        }
    }

    private static InvalidOperationException Unscalable(SKPixmap from, SKPixmap to) =>
        new($"SkiaSharp could not scale {from.Width} x {from.Height} pixels to {to.Width} x {to.Height}.");

    /// <summary>A bitmap with room for <paramref name="width"/> x <paramref name="height"/> RGBA pixels, grown when too small.</summary>
    private static SKBitmap Ensure(ref SKBitmap? bitmap, int width, int height)
    {
        var bytes = (long)width * height * 4;
        if (bitmap is null || bitmap.ByteCount < bytes)
        {
            bitmap?.Dispose();
            bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        }

        return bitmap;
    }
}
