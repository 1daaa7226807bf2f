using MlNetBatch.Formats.Images;
using MlNetBatch.Jobs;

namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>
/// The rules for the image stages' job steps, and how each is built from a valid step: one place, registered in
/// <see cref="BlockTransformRegistry"/>. Each problem is one message; a setting another stage takes is refused, so a
/// misplaced setting is not silently ignored.
/// </summary>
internal static class ImageStepValidator
{
    private const int MaxSide = 16384;

    /// <summary>The image stages' registrations.</summary>
    public static IEnumerable<BlockTransformRegistration> Registrations()
    {
        yield return new("DecodeImage", step => new DecodeImageBlockTransform(
            step.OutputColumn ?? "image", step.InputColumns.Count == 0 ? ImageSourceColumns.Bytes : step.InputColumns[0], step.Image?.PathColumn ?? ImageSourceColumns.Path,
            step.Image?.Width ?? 0, step.Image?.Height ?? 0), ValidateDecode);
        yield return new("Resize", step => new ResizeImageBlockTransform(step.OutputColumn!, step.InputColumns[0], step.Image!.Width!.Value, step.Image.Height!.Value,
            step.Image.Mode ?? ImageResizeMode.CropCenter, step.Image.Interpolation ?? ImageInterpolation.Linear), ValidateResize);
        yield return new("ConvertColor", step => new ConvertColorBlockTransform(step.OutputColumn!, step.InputColumns[0], step.Image!.Color!.Value), ValidateColor);
        yield return new("ToTensor", step => new ImageToTensorBlockTransform(step.OutputColumn!, step.InputColumns[0], (step.Image ?? new()).ToTensorOptions()), ValidateTensor);
    }

    private static IEnumerable<string> ValidateDecode(PreprocessStep step)
    {
        foreach (var problem in Problems(step, "DecodeImage", optionalColumns: true,
            [nameof(ImageStepSettings.PathColumn), nameof(ImageStepSettings.Width), nameof(ImageStepSettings.Height)]))
        {
            yield return problem;
        }

        if (step.Image is { } image && (image.Width is null != image.Height is null || image.Width is < 1 or > MaxSide || image.Height is < 1 or > MaxSide))
        {
            yield return $"DecodeImage takes Image:Width and Image:Height together (the least size a later Resize needs), each between 1 and {MaxSide}.";
        }
    }

    private static IEnumerable<string> ValidateResize(PreprocessStep step)
    {
        foreach (var problem in Problems(step, "Resize", optionalColumns: false,
            [nameof(ImageStepSettings.Width), nameof(ImageStepSettings.Height), nameof(ImageStepSettings.Mode), nameof(ImageStepSettings.Interpolation)]))
        {
            yield return problem;
        }

        foreach (var (name, value) in new[] { ("Width", step.Image?.Width), ("Height", step.Image?.Height) })
        {
            if (value is not (>= 1 and <= MaxSide))
            {
                yield return $"Resize needs Image:{name} between 1 and {MaxSide} pixels (got {value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).";
            }
        }
    }

    private static IEnumerable<string> ValidateColor(PreprocessStep step)
    {
        foreach (var problem in Problems(step, "ConvertColor", optionalColumns: false, [nameof(ImageStepSettings.Color)]))
        {
            yield return problem;
        }

        if (step.Image?.Color is null)
        {
            yield return $"ConvertColor needs Image:Color, one of {string.Join(", ", Enum.GetNames<ImageColor>())}.";
        }
    }

    private static IEnumerable<string> ValidateTensor(PreprocessStep step)
    {
        string[] own = [nameof(ImageStepSettings.Layout), nameof(ImageStepSettings.Element), nameof(ImageStepSettings.Scale), nameof(ImageStepSettings.Mean), nameof(ImageStepSettings.Std)];
        return Problems(step, "ToTensor", optionalColumns: false, own)
            .Concat((step.Image ?? new()).ToTensorOptions().Problems(channels: null).Select(p => $"ToTensor: {p}"));
    }

    /// <summary>The column rules every image step shares, and the settings it does not take.</summary>
    private static IEnumerable<string> Problems(PreprocessStep step, string stage, bool optionalColumns, string[] own)
    {
        if (step.InputColumns.Count > 1 || (!optionalColumns && step.InputColumns.Count == 0))
        {
            yield return $"{stage} reads exactly one column (InputColumns); it lists {step.InputColumns.Count}.";
        }

        if (!optionalColumns && string.IsNullOrWhiteSpace(step.OutputColumn))
        {
            yield return $"{stage} needs an OutputColumn.";
        }

        if (step.Type is not null)
        {
            yield return $"{stage} takes no Type; its settings go under Image.";
        }

        foreach (var setting in step.StageSettingsGiven().Where(s => s is not (nameof(PreprocessStep.Image) or nameof(PreprocessStep.Type))))
        {
            yield return $"{setting}: {stage} does not take this setting; its settings go under Image.";
        }

        if (step.Image is not { } image)
        {
            yield break;
        }

        foreach (var property in typeof(ImageStepSettings).GetProperties())
        {
            if (property.GetValue(image) is not null && !own.Contains(property.Name))
            {
                yield return $"{stage} does not take Image:{property.Name}; its settings are {string.Join(", ", own.Select(o => "Image:" + o))}.";
            }
        }
    }
}
