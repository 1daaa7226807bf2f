namespace MlNetBatch.Tests.Pipeline.Text;

/// <summary>A WordPiece vocabulary written for the tests: BERT's special tokens, whole words and continuation pieces.</summary>
internal static class TestVocabulary
{
    public static readonly string[] Words =
        ["the", "quick", "brown", "fox", "jump", "over", "lazy", "dog", "batch", "inference", "model", "text", "token", "café", "naïve", "東京"];

    public static readonly string[] Pieces = ["##s", "##es", "##ed", "##ing", "##er", "##ly", "##x"];

    public static readonly string[] Punctuation = [".", ",", "!", "?", "'", "-"];

    /// <summary>Writes <c>vocab.txt</c> in <paramref name="directory"/> and returns its path.</summary>
    public static string Write(string directory)
    {
        var path = Path.Combine(directory, "vocab.txt");
        File.WriteAllLines(path, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Words, .. Pieces, .. Punctuation, .. "abcdefghijklmnopqrstuvwxyz0123456789".Select(c => c.ToString())]);
        return path;
    }

    /// <summary>A random line: known words, words with known and unknown endings, unknown words, punctuation, odd spacing.</summary>
    public static string RandomText(Random random)
    {
        var words = new List<string>();
        for (var i = random.Next(0, 40); i > 0; i--)
        {
            words.Add(random.Next(8) switch
            {
                0 => Words[random.Next(Words.Length)] + Pieces[random.Next(Pieces.Length)][2..],
                1 => new string(Enumerable.Range(0, random.Next(1, 9)).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray()),
                2 => Punctuation[random.Next(Punctuation.Length)],
                3 => Words[random.Next(Words.Length)].ToUpperInvariant(),
                4 => "zebra\u00e9\u0301",
                _ => Words[random.Next(Words.Length)],
            });
        }

        return string.Join(random.Next(4) == 0 ? "  " : " ", words);
    }
}
