namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>How <c>Resize</c> computes a pixel from the source (SkiaSharp's sampling options).</summary>
public enum ImageInterpolation
{
    /// <summary>The nearest source pixel: exact values, blocky.</summary>
    Nearest,

    /// <summary>Bilinear between the four nearest source pixels.</summary>
    Linear,

    /// <summary>Bicubic (Mitchell–Netravali, B = C = 1/3) over the sixteen nearest source pixels.</summary>
    Cubic,
}
