namespace MlNetBatch.Pipeline.Stages.Text;

/// <summary>
/// How a <c>Tokenize</c> step turns text into token ids: which tokenizer (from <c>Microsoft.ML.Tokenizers</c>), its
/// files, the longest sequence and the columns written. Bound from a step's <c>Tokenizer</c> section.
/// </summary>
public sealed class TokenizerSettings
{
    /// <summary>
    /// The tokenizer: <c>Bert</c> (WordPiece over a <c>vocab.txt</c>, with BERT's [CLS]/[SEP]), <c>Bpe</c> (a
    /// <c>vocab.json</c> and <see cref="Merges"/>), <c>Tiktoken</c> (an <see cref="Encoding"/> such as <c>gpt2</c>,
    /// whose data package the application references) or <c>SentencePiece</c> (a <c>.model</c> file).
    /// </summary>
    public string Kind { get; set; } = "Bert";

    /// <summary>The vocabulary file: <c>vocab.txt</c> (Bert), <c>vocab.json</c> (Bpe) or the <c>.model</c> (SentencePiece).</summary>
    public string? Vocabulary { get; set; }

    /// <summary>For Bpe: the <c>merges.txt</c> file.</summary>
    public string? Merges { get; set; }

    /// <summary>For Tiktoken: the encoding or model name, such as <c>gpt2</c> or <c>cl100k_base</c>.</summary>
    public string? Encoding { get; set; }

    /// <summary>
    /// The most tokens a row keeps, special tokens included; longer text is truncated (at a word's boundary for Bert,
    /// as <c>Microsoft.ML.Tokenizers</c> does). Rows are not padded here: the scorer pads each batch to its longest row.
    /// </summary>
    /// <value>The default is 512.</value>
    public int MaxTokens { get; set; } = 512;

    /// <summary>Adds the tokenizer's special tokens ([CLS] … [SEP] for Bert; BOS/EOS for SentencePiece).</summary>
    /// <value>The default is true.</value>
    public bool AddSpecialTokens { get; set; } = true;

    /// <summary>For Bert: lower-cases text first, as uncased models expect.</summary>
    /// <value>The default is true.</value>
    public bool LowerCase { get; set; } = true;

    /// <summary>The id columns' item type: <c>long</c> (int64, what most exported models take) or <c>int</c> (int32).</summary>
    /// <value>The default is <c>long</c>.</value>
    public string IdType { get; set; } = "long";

    /// <summary>The mask column written beside the ids (1 per token); empty to write none.</summary>
    /// <value>The default is <c>attention_mask</c>.</value>
    public string AttentionMaskColumn { get; set; } = "attention_mask";

    /// <summary>The token-type (segment) column written beside the ids, all 0 for one sequence; none when left out.</summary>
    public string? TokenTypeIdsColumn { get; set; }

    /// <summary>A copy that shares nothing with this one.</summary>
    public TokenizerSettings Clone() => (TokenizerSettings)MemberwiseClone();
}
