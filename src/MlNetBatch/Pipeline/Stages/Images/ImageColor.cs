namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>The channels <c>ConvertColor</c> produces from a decoded RGBA image.</summary>
public enum ImageColor
{
    /// <summary>Red, green, blue (alpha dropped).</summary>
    Rgb,

    /// <summary>Blue, green, red (OpenCV's order; alpha dropped).</summary>
    Bgr,

    /// <summary>One channel of luma, ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B, rounded.</summary>
    Gray,
}
