using MlNetBatch.Data;

namespace MlNetBatch.Pipeline.Stages.Text;

/// <summary>The one check of <see cref="TokenizerSettings"/>: every problem, each as <c>Tokenizer:Property: problem</c>.</summary>
public static class TokenizerSettingsValidator
{
    /// <summary>The tokenizer kinds a step may name.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["Bert", "Bpe", "Tiktoken", "SentencePiece"];

    /// <summary>The longest sequence accepted; beyond it a row's ids would not fit any model's position table anyway.</summary>
    public const int MaximumTokens = 1 << 16;

    /// <summary>What is wrong with <paramref name="settings"/> (null: the section is missing).</summary>
    public static IEnumerable<string> Problems(TokenizerSettings? settings)
    {
        if (settings is null)
        {
            yield return "Tokenizer: Tokenize needs a Tokenizer section (Kind and its files).";
            yield break;
        }

        var kind = Kinds.FirstOrDefault(k => k.Equals(settings.Kind, StringComparison.OrdinalIgnoreCase));
        if (kind is null)
        {
            yield return $"Tokenizer:Kind: must be one of {string.Join(", ", Kinds)}; it is '{settings.Kind}'.";
        }
        else if (kind == "Tiktoken" ? string.IsNullOrWhiteSpace(settings.Encoding) : string.IsNullOrWhiteSpace(settings.Vocabulary))
        {
            yield return kind == "Tiktoken"
                ? "Tokenizer:Encoding: Tiktoken needs an encoding or model name, such as gpt2 or cl100k_base."
                : $"Tokenizer:Vocabulary: {kind} needs its vocabulary file.";
        }

        if (kind == "Bpe" && string.IsNullOrWhiteSpace(settings.Merges))
        {
            yield return "Tokenizer:Merges: Bpe needs its merges file.";
        }

        if (settings.MaxTokens is < 1 or > MaximumTokens)
        {
            yield return $"Tokenizer:MaxTokens: must be from 1 to {MaximumTokens}; it is {settings.MaxTokens}.";
        }

        if (!IsIdType(settings.IdType))
        {
            yield return $"Tokenizer:IdType: must be long (int64) or int (int32); it is '{settings.IdType}'.";
        }

        if (settings.TokenTypeIdsColumn is { } types && (types.Length == 0 || types == settings.AttentionMaskColumn))
        {
            yield return "Tokenizer:TokenTypeIdsColumn: must be a column name other than the attention mask's.";
        }
    }

    /// <summary>Whether <paramref name="name"/> names int64 (<c>long</c>, <c>int64</c>) or int32 (<c>int</c>, <c>int32</c>).</summary>
    public static bool IsIdType(string? name) => name is not null && ColumnTypeNames.TryParse(name, out var type)
        && (type == Microsoft.ML.Data.NumberDataViewType.Int64 || type == Microsoft.ML.Data.NumberDataViewType.Int32);
}
