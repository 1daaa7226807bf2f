namespace MlNetBatch.Jobs;

/// <summary>
/// One ML.NET transform, by name: <c>Concatenate</c>, <c>ConvertType</c>, <c>CopyColumns</c>, <c>DropColumns</c>,
/// <c>SelectColumns</c>, <c>NormalizeMinMax</c> or <c>NormalizeMeanVariance</c>.
/// </summary>
public sealed class PreprocessStep
{
    /// <summary>The transform's name.</summary>
    public string Transform { get; set; } = string.Empty;

    /// <summary>The column the transform creates (not used by DropColumns and SelectColumns).</summary>
    public string? OutputColumn { get; set; }

    /// <summary>The columns the transform reads.</summary>
    public List<string> InputColumns { get; set; } = [];

    /// <summary>For ConvertType: the target type (<c>float</c>, <c>double</c>, <c>int</c>, <c>long</c>, <c>bool</c>, <c>string</c>).</summary>
    public string? Type { get; set; }

    /// <summary>For the normalizers: rows read from the start of the source to fit them.</summary>
    /// <value>The default is 100,000.</value>
    public long FitRows { get; set; } = 100_000;

    /// <summary>For the image stages (DecodeImage, Resize, ConvertColor, ToTensor): their settings.</summary>
    public Pipeline.Stages.Images.ImageStepSettings? Image { get; set; }
}
