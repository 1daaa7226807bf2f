namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>
/// The image settings of a job's preprocessing step (its <c>Image</c> section); each image stage takes its own and
/// refuses the others (<see cref="ImageStepValidator"/>).
/// </summary>
public sealed class ImageStepSettings
{
    /// <summary>DecodeImage: the text column naming each image, for the quarantine; empty for none.</summary>
    /// <value>The default is <c>path</c>, the Images source's column.</value>
    public string? PathColumn { get; set; }

    /// <summary>Resize: the width in pixels. DecodeImage: with <see cref="Height"/>, the least size to decode at (a JPEG then decodes at a reduced scale).</summary>
    public int? Width { get; set; }

    /// <summary>Resize: the height in pixels. DecodeImage: see <see cref="Width"/>.</summary>
    public int? Height { get; set; }

    /// <summary>Resize: how the image fits the size.</summary>
    /// <value>The default is <see cref="ImageResizeMode.CropCenter"/>.</value>
    public ImageResizeMode? Mode { get; set; }

    /// <summary>Resize: the interpolation.</summary>
    /// <value>The default is <see cref="ImageInterpolation.Linear"/>.</value>
    public ImageInterpolation? Interpolation { get; set; }

    /// <summary>ConvertColor: the channels to produce.</summary>
    public ImageColor? Color { get; set; }

    /// <summary>ToTensor: the layout (see <see cref="ImageTensorOptions.Layout"/>).</summary>
    public ImageTensorLayout? Layout { get; set; }

    /// <summary>ToTensor: the element type (see <see cref="ImageTensorOptions.Element"/>).</summary>
    public ImageTensorElement? Element { get; set; }

    /// <summary>ToTensor: the scale (see <see cref="ImageTensorOptions.Scale"/>).</summary>
    public float? Scale { get; set; }

    /// <summary>ToTensor: per-channel means (see <see cref="ImageTensorOptions.Mean"/>).</summary>
    public List<float>? Mean { get; set; }

    /// <summary>ToTensor: per-channel standard deviations (see <see cref="ImageTensorOptions.Std"/>).</summary>
    public List<float>? Std { get; set; }

    /// <summary>The tensor options these settings give.</summary>
    public ImageTensorOptions ToTensorOptions()
    {
        var options = new ImageTensorOptions();
        options.Layout = Layout ?? options.Layout;
        options.Element = Element ?? options.Element;
        options.Scale = Scale ?? options.Scale;
        options.Mean = [.. Mean ?? []];
        options.Std = [.. Std ?? []];
        return options;
    }
}
