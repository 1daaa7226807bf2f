using Microsoft.ML.Tokenizers;

namespace MlNetBatch.Pipeline.Stages.Text;

/// <summary>
/// One configured <c>Microsoft.ML.Tokenizers</c> tokenizer, reduced to what the stage needs: text in, at most
/// <see cref="TokenizerSettings.MaxTokens"/> ids out, special tokens as configured. Shared by every block in flight:
/// the library's tokenizers are immutable once built, and their caches are thread-safe.
/// </summary>
public sealed class TokenEncoder
{
    private readonly Tokenizer _tokenizer;
    private readonly TokenizerSettings _settings;

    private TokenEncoder(Tokenizer tokenizer, TokenizerSettings settings)
    {
        _tokenizer = tokenizer;
        _settings = settings;
    }

    /// <summary>The library's tokenizer, for callers that want to compare or decode.</summary>
    public Tokenizer Tokenizer => _tokenizer;

    /// <summary>
    /// Builds the tokenizer <paramref name="settings"/> name from its files. Throws <see cref="BlockTransformException"/>
    /// naming the file and the cause when a file is missing or the library cannot read it.
    /// </summary>
    public static TokenEncoder Create(TokenizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var kind = settings.Kind;
        try
        {
            Tokenizer tokenizer = kind.ToLowerInvariant() switch
            {
                "bert" => BertTokenizer.Create(Existing(settings.Vocabulary, "Vocabulary"), new BertOptions { LowerCaseBeforeTokenization = settings.LowerCase }),
                "bpe" => BpeTokenizer.Create(Existing(settings.Vocabulary, "Vocabulary"), Existing(settings.Merges, "Merges")),
                "tiktoken" => TiktokenTokenizer.CreateForModel(settings.Encoding!),
                "sentencepiece" => OpenSentencePiece(Existing(settings.Vocabulary, "Vocabulary"), settings.AddSpecialTokens),
                _ => throw new BlockTransformException($"Tokenize: unknown tokenizer '{kind}'; use {string.Join(", ", TokenizerSettingsValidator.Kinds)}."),
            };
            return new TokenEncoder(tokenizer, settings);
        }
        catch (Exception e) when (e is IOException or ArgumentException or FormatException or InvalidOperationException or NotSupportedException or UnauthorizedAccessException or System.Text.Json.JsonException or Google.Protobuf.InvalidProtocolBufferException)
        {
            var source = settings.Vocabulary ?? settings.Encoding;
            throw new BlockTransformException($"Tokenize: the {kind} tokenizer could not be built from '{source}': {OneLine(e.Message)}", e);
        }
    }

    /// <summary>The ids of <paramref name="text"/>, special tokens included, cut at <see cref="TokenizerSettings.MaxTokens"/>.</summary>
    public IReadOnlyList<int> Encode(ReadOnlySpan<char> text) => _tokenizer switch
    {
        BertTokenizer bert => bert.EncodeToIds(text, _settings.MaxTokens, _settings.AddSpecialTokens, out _, out _),
        SentencePieceTokenizer piece => piece.EncodeToIds(text, _settings.AddSpecialTokens, addEndOfSentence: false, _settings.MaxTokens, out _, out _),
        _ => _tokenizer.EncodeToIds(text, _settings.MaxTokens, out _, out _),
    };

    private static string Existing(string? path, string setting) =>
        File.Exists(path) ? path : throw new BlockTransformException($"Tokenize: Tokenizer:{setting} file '{path}' does not exist.");

    private static SentencePieceTokenizer OpenSentencePiece(string path, bool addSpecialTokens)
    {
        using var model = File.OpenRead(path);
        return SentencePieceTokenizer.Create(model, addBeginningOfSentence: addSpecialTokens, addEndOfSentence: false);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
