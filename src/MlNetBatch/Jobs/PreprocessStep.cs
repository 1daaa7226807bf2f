using System.Text.Json.Serialization;
using MlNetBatch.Pipeline.Stages.Text;
using MlNetBatch.Pipeline.Stages.Tabular;

namespace MlNetBatch.Jobs;

/// <summary>
/// One ML.NET transform, by name: <c>Concatenate</c>, <c>ConvertType</c>, <c>CopyColumns</c>, <c>DropColumns</c>,
/// <c>SelectColumns</c>, <c>NormalizeMinMax</c>, <c>NormalizeMeanVariance</c> or <c>Expression</c>; or a block
/// transform (see <c>BlockTransformRegistry</c>), such as the tabular <c>OneHotEncoding</c>, <c>MapValueToKey</c>,
/// <c>Hashing</c>, <c>ReplaceMissingValues</c>, <c>DateTimeParts</c> and <c>Filter</c>.
/// </summary>
/// <remarks>
/// The settings a transform does not take are null and left out of the job's settings hash, so adding them did not
/// change the hash of any existing job.
/// </remarks>
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

    /// <summary>For Tokenize: the tokenizer, its files and the columns it writes.</summary>
    /// <remarks>Left out of the settings hash when absent, so the hash of a job without it is what it always was.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TokenizerSettings? Tokenizer { get; set; }

    /// <summary>
    /// The names of the settings that belong to one kind of step (Type, Tokenizer, Image, the tabular ones) and are set
    /// on this step, so that a step's validator can refuse those it does not take instead of ignoring them.
    /// </summary>
    internal IEnumerable<string> StageSettingsGiven() =>
        StageSettings.Where(p => p.GetValue(this) is not null).Select(p => p.Name);

    // Every nullable setting is one kind of step's own; the shared ones (Transform, columns, FitRows) are not nullable.
    private static readonly System.Reflection.PropertyInfo[] StageSettings =
        [.. typeof(PreprocessStep).GetProperties().Where(p => p.Name is not (nameof(Transform) or nameof(OutputColumn) or nameof(InputColumns) or nameof(FitRows)))];

    /// <summary>The files the step reads, by setting path (such as <c>Tokenizer:Vocabulary</c>), as configured.</summary>
    public IEnumerable<(string Setting, string Path)> Files()
    {
        if (Tokenizer?.Vocabulary is { Length: > 0 } vocabulary)
        {
            yield return ("Tokenizer:Vocabulary", vocabulary);
        }

        if (Tokenizer?.Merges is { Length: > 0 } merges)
        {
            yield return ("Tokenizer:Merges", merges);
        }
    }

    /// <summary>A copy whose file settings are resolved by <paramref name="paths"/> (relative to the configuration's folder).</summary>
    internal PreprocessStep WithFilesResolved(JobPaths paths)
    {
        var copy = (PreprocessStep)MemberwiseClone();
        copy.InputColumns = [.. InputColumns];
        if (Tokenizer is { } tokenizer)
        {
            copy.Tokenizer = tokenizer.Clone();
            copy.Tokenizer.Vocabulary = string.IsNullOrEmpty(tokenizer.Vocabulary) ? tokenizer.Vocabulary : paths.Resolve(tokenizer.Vocabulary);
            copy.Tokenizer.Merges = string.IsNullOrEmpty(tokenizer.Merges) ? tokenizer.Merges : paths.Resolve(tokenizer.Merges);
        }

        return copy;
    }
    /// <summary>For OneHotEncoding and MapValueToKey: the terms in key order; learned from the first FitRows rows when omitted.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Vocabulary { get; set; }

    /// <summary>For OneHotEncoding and MapValueToKey: the most terms a learned vocabulary keeps.</summary>
    /// <value>The default is ML.NET's, 1,000,000.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaximumKeys { get; set; }

    /// <summary>For Hashing: bits of the hash kept, 1 to 31.</summary>
    /// <value>The default is ML.NET's, 31.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? NumberOfBits { get; set; }

    /// <summary>For Hashing: the seed.</summary>
    /// <value>The default is ML.NET's, 314489979.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? Seed { get; set; }

    /// <summary>For ReplaceMissingValues: what replaces NaN.</summary>
    /// <value>The default is <see cref="MissingValueReplacement.DefaultValue"/>.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MissingValueReplacement? Replacement { get; set; }

    /// <summary>For ReplaceMissingValues with the Constant replacement: the constant.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ReplacementValue { get; set; }

    /// <summary>For DateTimeParts on text: the exact .NET date and time format, e.g. <c>yyyy-MM-dd HH:mm:ss</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Format { get; set; }

    /// <summary>For DateTimeParts: the time zone (IANA id) whose local time the parts are of.</summary>
    /// <value>The default is UTC.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TimeZone { get; set; }

    /// <summary>For DateTimeParts: the parts to derive, each into a column <c>{OutputColumn}_{part}</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<DateTimePart>? Parts { get; set; }

    /// <summary>For Expression: the ML.NET expression, e.g. <c>(fare, distance) =&gt; distance &gt; 0 ? fare / distance : 0</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Expression { get; set; }

    /// <summary>For Filter: the smallest value kept.</summary>
    /// <value>The default is no lower bound.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LowerBound { get; set; }

    /// <summary>For Filter: the bound above the values kept (excluded).</summary>
    /// <value>The default is no upper bound.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? UpperBound { get; set; }
    /// <summary>For the image stages (DecodeImage, Resize, ConvertColor, ToTensor): their settings.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Pipeline.Stages.Images.ImageStepSettings? Image { get; set; }
}
