using System.Numerics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Text;

/// <summary>
/// Tokenizes a text column a block at a time with <c>Microsoft.ML.Tokenizers</c>: token ids, an attention mask and
/// optionally token-type ids, each a variable-length vector of int64 or int32. Rows keep their own length; the scorer
/// pads each batch to its longest row (with zeros, so padded positions are masked out).
/// </summary>
public sealed class TokenizeBlockTransform : IFittedBlockTransform
{
    private readonly string _input;
    private readonly string _output;
    private readonly TokenizerSettings _settings;
    private readonly TokenEncoder _encoder;
    private string? _fittedState;

    /// <summary>Creates the transform; builds the tokenizer from its files now, so a bad file fails the plan.</summary>
    /// <param name="outputColumnName">The token-id column.</param>
    /// <param name="inputColumnName">The text column.</param>
    /// <param name="settings">The tokenizer and the columns written beside the ids.</param>
    public TokenizeBlockTransform(string outputColumnName, string inputColumnName, TokenizerSettings settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = TokenizerSettingsValidator.Problems(settings).ToList();
        if (problems.Count > 0)
        {
            throw new BlockTransformException($"Tokenize into '{outputColumnName}': {string.Join(" ", problems)}");
        }

        _output = outputColumnName;
        _input = inputColumnName;
        _settings = settings.Clone();
        _encoder = TokenEncoder.Create(_settings);
    }

    /// <inheritdoc />
    public string Name => "Tokenize";

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns => [_input];

    /// <summary>The tokenizer the stage runs.</summary>
    public TokenEncoder Encoder => _encoder;

    /// <inheritdoc />
    /// <remarks>The tokenizer's files by content, so that a vocabulary edited in place re-scores, and its settings.</remarks>
    public string FittedState => _fittedState ??= string.Join(':', "Tokenize", _input, _settings.Kind, _settings.Encoding,
        ContentHash(_settings.Vocabulary), ContentHash(_settings.Merges), _settings.MaxTokens, _settings.AddSpecialTokens, _settings.LowerCase, _settings.IdType);

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = inputSchema.GetColumnOrNull(_input)
            ?? throw new BlockTransformException($"Tokenize into '{_output}': input column '{_input}' does not exist; the data has {string.Join(", ", inputSchema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
        if (column.Type is not TextDataViewType)
        {
            throw new BlockTransformException($"Tokenize into '{_output}': column '{_input}' holds {column.Type}, not text.");
        }

        ColumnTypeNames.TryParse(_settings.IdType, out var idType);
        var vector = new VectorDataViewType((PrimitiveDataViewType)idType);
        var outputs = new List<BlockOutputColumn> { new(_output, vector) };
        if (!string.IsNullOrEmpty(_settings.AttentionMaskColumn))
        {
            outputs.Add(new BlockOutputColumn(_settings.AttentionMaskColumn, vector));
        }

        if (_settings.TokenTypeIdsColumn is { } types)
        {
            outputs.Add(new BlockOutputColumn(types, vector));
        }

        return outputs;
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var ids = schema[_output].Index;
        var input = BlockColumns.InputIndex(schema, _input, ids);
        var mask = string.IsNullOrEmpty(_settings.AttentionMaskColumn) ? -1 : schema[_settings.AttentionMaskColumn].Index;
        var types = _settings.TokenTypeIdsColumn is { } name ? schema[name].Index : -1;
        return ((VectorDataViewType)schema[ids].Type).ItemType.RawType == typeof(long)
            ? new Mapper<long>(_encoder, input, ids, mask, types)
            : new Mapper<int>(_encoder, input, ids, mask, types);
    }

    private static string? ContentHash(string? path) =>
        string.IsNullOrEmpty(path) ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Writes each row's ids into the row's own reused vector; the mask and type vectors follow its length.</summary>
    private sealed class Mapper<T>(TokenEncoder encoder, int input, int ids, int mask, int types) : IBlockMapper
        where T : unmanaged, INumber<T>
    {
        public void Map(RecordBatch block)
        {
            var texts = block.Column<TextColumnBuffer>(input).Values;
            var idRows = block.Column<VariableVectorColumnBuffer<T>>(ids).Values;
            var maskRows = mask < 0 ? null : block.Column<VariableVectorColumnBuffer<T>>(mask).Values;
            var typeRows = types < 0 ? null : block.Column<VariableVectorColumnBuffer<T>>(types).Values;
            for (var row = 0; row < block.RowCount; row++)
            {
                var tokens = encoder.Encode(texts[row].Span);
                var editor = VBufferEditor.Create(ref idRows[row], tokens.Count);
                for (var i = 0; i < tokens.Count; i++)
                {
                    editor.Values[i] = T.CreateTruncating(tokens[i]);
                }

                idRows[row] = editor.Commit();
                if (maskRows is not null)
                {
                    Fill(ref maskRows[row], tokens.Count, T.One);
                }

                if (typeRows is not null)
                {
                    Fill(ref typeRows[row], tokens.Count, T.Zero);
                }
            }
        }

        private static void Fill(ref VBuffer<T> row, int length, T value)
        {
            var editor = VBufferEditor.Create(ref row, length);
            editor.Values.Fill(value);
            row = editor.Commit();
        }
    }
}
