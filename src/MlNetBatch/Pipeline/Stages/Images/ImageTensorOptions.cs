namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>How <c>ToTensor</c> turns pixels into a model input: <c>(pixel * Scale - Mean[c]) / Std[c]</c> in the chosen layout.</summary>
public sealed class ImageTensorOptions
{
    /// <summary>The order of the values.</summary>
    /// <value>The default is <see cref="ImageTensorLayout.Nchw"/>.</value>
    public ImageTensorLayout Layout { get; set; } = ImageTensorLayout.Nchw;

    /// <summary>The element type.</summary>
    /// <value>The default is <see cref="ImageTensorElement.Float"/>.</value>
    public ImageTensorElement Element { get; set; } = ImageTensorElement.Float;

    /// <summary>What each 0–255 pixel value is multiplied by first.</summary>
    /// <value>The default is 1/255, so values run from 0 to 1 before normalization.</value>
    public float Scale { get; set; } = 1f / 255f;

    /// <summary>Per-channel means subtracted after scaling (ImageNet: 0.485, 0.456, 0.406); empty for none.</summary>
    public List<float> Mean { get; set; } = [];

    /// <summary>Per-channel standard deviations divided by after the mean (ImageNet: 0.229, 0.224, 0.225); empty for none.</summary>
    public List<float> Std { get; set; } = [];

    /// <summary>Each problem with the options, for images of <paramref name="channels"/> channels (null when not yet known).</summary>
    public IEnumerable<string> Problems(int? channels)
    {
        if (Element == ImageTensorElement.UInt8 && (Mean.Count > 0 || Std.Count > 0 || Scale != 1f / 255f))
        {
            yield return "a UInt8 tensor holds the pixel values as they are; Scale, Mean and Std apply only to Float.";
        }

        if (!float.IsFinite(Scale) || Scale == 0)
        {
            yield return $"Scale must be a finite number other than zero (got {Scale}).";
        }

        foreach (var (name, values) in new[] { (nameof(Mean), Mean), (nameof(Std), Std) })
        {
            if (values.Count > 0 && channels is { } c && values.Count != c && values.Count != 1)
            {
                yield return $"{name} has {values.Count} values, but the images have {c} channels; give one per channel (or one for all).";
            }

            if (values.Any(v => !float.IsFinite(v)))
            {
                yield return $"{name} must hold finite numbers.";
            }
        }

        if (Std.Any(v => v == 0))
        {
            yield return "Std must not hold zero.";
        }
    }
}
