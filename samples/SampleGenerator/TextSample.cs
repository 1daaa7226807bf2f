using System.Text.Json;

namespace MlNetBatch.Samples.Generator;

/// <summary>
/// The text-classification sample: a WordPiece vocabulary, the <see cref="TextClassifierModel"/> over it, and short
/// reviews as JSON Lines (<c>id</c>, <c>text</c>), with the texts real inputs have: empty ones, line breaks and quotes
/// inside a value, accents, CJK, words the vocabulary lacks.
/// </summary>
public static class TextSample
{
    /// <summary>Reviews per file.</summary>
    public const int RowsPerFile = 2_500;

    private static readonly string[] Words =
    [
        "the", "a", "an", "this", "that", "it", "is", "was", "and", "but", "or", "not", "very", "really", "quite", "too",
        "good", "great", "excellent", "bad", "terrible", "awful", "fine", "okay", "slow", "fast", "cheap", "expensive",
        "product", "service", "delivery", "price", "quality", "battery", "screen", "phone", "book", "film", "food", "hotel",
        "staff", "room", "order", "package", "support", "team", "app", "update", "day", "week", "time", "again", "never",
        "always", "would", "buy", "recommend", "return", "love", "hate", "like", "work", "break", "arrive", "late", "early",
        "i", "we", "they", "you", "my", "our", "their", "with", "without", "for", "from", "after", "before", "of", "in",
    ];

    private static readonly string[] Pieces = ["##s", "##ed", "##ing", "##er", "##est", "##ly", "##y"];

    /// <summary>Writes the vocabulary and the model under <c>models</c>, and the reviews under <c>data/text</c>.</summary>
    public static async Task WriteAsync(string root, TextWriter log)
    {
        var vocabulary = Vocabulary();
        var vocabularyPath = Path.Combine(root, "models", "text-vocab.txt");
        await File.WriteAllLinesAsync(vocabularyPath, vocabulary);
        log.WriteLine($"wrote {vocabularyPath} ({vocabulary.Count:N0} tokens)");

        var modelPath = Path.Combine(root, "models", "text-classifier.onnx");
        var model = TextClassifierModel.Build(vocabulary.Count);
        await File.WriteAllBytesAsync(modelPath, model);
        log.WriteLine($"wrote {modelPath} ({model.Length:N0} bytes)");

        var dataDirectory = Path.Combine(root, "data", "text");
        Directory.CreateDirectory(dataDirectory);
        for (var part = 0; part < 2; part++)
        {
            var path = Path.Combine(dataDirectory, $"reviews-{part:D5}.jsonl");
            await WriteReviewsAsync(path, part * RowsPerFile, RowsPerFile, seed: 100 + part);
            log.WriteLine($"wrote {path} ({RowsPerFile:N0} reviews)");
        }
    }

    /// <summary>Writes <paramref name="count"/> reviews as JSON Lines, ids from <paramref name="firstId"/>.</summary>
    public static Task WriteReviewsAsync(string path, long firstId, int count, int seed)
    {
        var random = new Random(seed);
        return File.WriteAllLinesAsync(path, Enumerable.Range(0, count).Select(i => JsonSerializer.Serialize(new { id = firstId + i, text = Review(random) })));
    }

    /// <summary>BERT's special tokens, the words, their endings and single characters, so that every word has pieces.</summary>
    public static IReadOnlyList<string> Vocabulary() => ((string[])
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Words, .. Pieces, ".", ",", "!", "?", "'", "\"",
            .. "abcdefghijklmnopqrstuvwxyz0123456789".Select(c => c.ToString()), .. "abcdefghijklmnopqrstuvwxyz".Select(c => "##" + c)]).Distinct().ToList();

    private static string Review(Random random)
    {
        switch (random.Next(50))
        {
            case 0:
                return string.Empty;
            case 1:
                return "Line one.\nLine two, after a break.";
            case 2:
                return "She said \"great\" — café, naïve, 東京, emoji 🙂.";
        }

        var words = Enumerable.Range(0, random.Next(3, 60)).Select(_ => random.Next(10) switch
        {
            0 => Words[random.Next(Words.Length)] + Pieces[random.Next(Pieces.Length)][2..],
            1 => ",",
            _ => Words[random.Next(Words.Length)],
        });
        var text = string.Join(' ', words);
        return char.ToUpperInvariant(text[0]) + text[1..] + (random.Next(3) == 0 ? "!" : ".");
    }
}
