using System.Text.Json.Serialization;
using MlNetBatch.Pipeline.Stages.Text;

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

    /// <summary>For Tokenize: the tokenizer, its files and the columns it writes.</summary>
    /// <remarks>Left out of the settings hash when absent, so the hash of a job without it is what it always was.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TokenizerSettings? Tokenizer { get; set; }

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
}
