using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// What <see cref="MapValueToKeyBlockTransform"/> and <see cref="OneHotEncodingBlockTransform"/> share: one input
/// column of text or numbers, and a vocabulary given up front or learned from the plan-time sample.
/// </summary>
public abstract class KeyMappingBlockTransform : IFittedBlockTransform
{
    private readonly string[] _inputs;

    /// <summary>Creates the transform; a null <paramref name="vocabulary"/> is learned by <see cref="Fit"/>.</summary>
    protected KeyMappingBlockTransform(string outputColumnName, string inputColumnName, KeyVocabulary? vocabulary, int maximumKeys)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumKeys, 1);
        OutputColumn = outputColumnName;
        InputColumn = inputColumnName;
        Vocabulary = vocabulary;
        MaximumKeys = maximumKeys;
        _inputs = [inputColumnName];
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>The column the transform adds.</summary>
    public string OutputColumn { get; }

    /// <summary>The column the transform reads.</summary>
    public string InputColumn { get; }

    /// <summary>The vocabulary, once given or fitted; null before <see cref="Fit"/> when it is to be learned.</summary>
    public KeyVocabulary? Vocabulary { get; }

    /// <summary>The most terms a fitted vocabulary keeps.</summary>
    public int MaximumKeys { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns => _inputs;

    /// <inheritdoc />
    public string FittedState => $"{Name}:{InputColumn}:{Vocabulary}";

    /// <summary>The key count the output has: the vocabulary's size (at least one, as ML.NET's key types need), or the bound before fitting.</summary>
    protected int KeyCount => Vocabulary is null ? MaximumKeys : Math.Max(1, Vocabulary.Terms.Count);

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var input = TabularColumns.Require(inputSchema, Name, InputColumn);
        if (!TabularColumns.IsTextOrNumber(input.Type))
        {
            throw new BlockTransformException($"{Name} into '{OutputColumn}': column '{InputColumn}' holds {input.Type}; it reads a text, float, double, int or long column.");
        }

        return [new BlockOutputColumn(OutputColumn, OutputType)];
    }

    /// <inheritdoc />
    public IBlockTransform Fit(IDataView sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return Vocabulary is not null ? this : WithVocabulary(KeyVocabulary.Fit(sample, InputColumn, MaximumKeys));
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (Vocabulary is null)
        {
            throw new InvalidOperationException($"{Name} on '{InputColumn}' maps blocks only once its vocabulary is given or fitted.");
        }

        var output = schema[OutputColumn].Index;
        var lookup = KeyLookupMapper.Create(schema, BlockColumns.InputIndex(schema, InputColumn, output), Vocabulary);
        return CreateMapper(lookup, output);
    }

    /// <inheritdoc />
    public JsonNode? SaveFit() => Vocabulary is null ? null : new JsonArray([.. Vocabulary.Terms.Select(t => JsonValue.Create(t))]);

    /// <inheritdoc />
    public IBlockTransform LoadFit(JsonNode fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return WithVocabulary(new KeyVocabulary([.. fit.AsArray().Select(t => t!.GetValue<string>())]));
    }

    /// <summary>The type of the output column.</summary>
    protected abstract DataViewType OutputType { get; }

    /// <summary>The same transform with <paramref name="vocabulary"/>.</summary>
    protected abstract KeyMappingBlockTransform WithVocabulary(KeyVocabulary vocabulary);

    /// <summary>A mapper writing column <paramref name="output"/> from the keys <paramref name="lookup"/> finds.</summary>
    private protected abstract IBlockMapper CreateMapper(KeyLookupMapper lookup, int output);
}
