using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Tokenizers;
using MlNetBatch.Data;
using MlNetBatch.Pipeline;
using MlNetBatch.Pipeline.Stages.Text;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Pipeline.Text;

public class TokenizeBlockTransformTests
{
    [Theory]
    [InlineData(1, 512, 7)]
    [InlineData(2, 12, 64)]
    [InlineData(3, 3, 1000)]
    public async Task Bert_ids_equal_the_library_called_directly_on_the_block_and_row_paths_over_partitions_and_chunks(int seed, int maxTokens, int chunkRows)
    {
        using var dir = new TempDirectory();
        var vocabulary = TestVocabulary.Write(dir.Path);
        var random = new Random(seed);
        var texts = await WriteJsonLinesAsync(dir, random, files: 3);
        var settings = new TokenizerSettings { Vocabulary = vocabulary, MaxTokens = maxTokens, TokenTypeIdsColumn = "token_type_ids" };
        var reference = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true });

        var ml = new MLContext(seed);
        var source = ml.Data.LoadFromJsonLines(dir.Combine("*.jsonl"), new DataSourceOptions { ChunkRows = chunkRows, PartitionBytes = 2048 });
        var tokenized = ml.Transforms.Text.TokenizeToIds("input_ids", "text", settings).Fit(source).Transform(source);
        // The row path: a stock transform after the stage reads it through ML.NET's getters, and Cache consolidates parallel cursors.
        var copied = ml.Data.Cache(ml.Transforms.CopyColumns("ids_copy", "input_ids").Fit(tokenized).Transform(tokenized));

        foreach (var (view, ids) in new[] { (tokenized, "input_ids"), (copied, "ids_copy") })
        {
            var rows = Read(view, ids);
            Assert.Equal(texts.Count, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Equal(texts[i], rows[i].Text);
                var expected = reference.EncodeToIds(texts[i].AsSpan(), maxTokens, addSpecialTokens: true, out _, out _).Select(id => (long)id).ToArray();
                Assert.Equal(expected, rows[i].Ids);
                Assert.True(rows[i].Ids.Length <= maxTokens);
                Assert.Equal(Enumerable.Repeat(1L, expected.Length), rows[i].Mask);
                Assert.Equal(new long[expected.Length], rows[i].Types);
            }
        }
    }

    [Fact]
    public void Tiktoken_gpt2_ids_as_int32_equal_the_library_called_directly()
    {
        var random = new Random(5);
        var texts = Enumerable.Range(0, 2_000).Select(_ => TestVocabulary.RandomText(random) + " Hello, world! 123 élan").ToArray();
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { text = t }));
        var settings = new TokenizerSettings { Kind = "Tiktoken", Encoding = "gpt2", MaxTokens = 24, IdType = "int", AttentionMaskColumn = "" };

        var tokenized = ml.Transforms.Text.TokenizeToIds("ids", "text", settings).Fit(data).Transform(data);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int32), tokenized.Schema["ids"].Type);
        Assert.Null(tokenized.Schema.GetColumnOrNull("attention_mask"));
        var reference = TiktokenTokenizer.CreateForModel("gpt2");
        var ids = tokenized.GetColumn<VBuffer<int>>("ids").Select(v => v.DenseValues().ToArray()).ToList();
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(reference.EncodeToIds(texts[i].AsSpan(), 24, out _, out _), ids[i]);
        }
    }

    [Fact]
    public void SentencePiece_ids_with_the_start_token_equal_the_library_called_directly()
    {
        using var dir = new TempDirectory();
        var model = SentencePieceModelFile.Write(dir.Path);
        var random = new Random(9);
        var texts = Enumerable.Range(0, 500).Select(_ => TestVocabulary.RandomText(random).ToLowerInvariant()).ToArray();
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { text = t }));
        var settings = new TokenizerSettings { Kind = "SentencePiece", Vocabulary = model, MaxTokens = 20 };

        var ids = ml.Transforms.Text.TokenizeToIds("ids", "text", settings).Fit(data).Transform(data)
            .GetColumn<VBuffer<long>>("ids").Select(v => v.DenseValues().ToArray()).ToList();

        using var stream = File.OpenRead(model);
        var reference = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: true, addEndOfSentence: false);
        Assert.True(ids.Count(row => row.Length > 3) > texts.Length / 2);
        for (var i = 0; i < texts.Length; i++)
        {
            var expected = reference.EncodeToIds(texts[i].AsSpan(), addBeginningOfSentence: true, addEndOfSentence: false, 20, out _, out _).Select(id => (long)id);
            Assert.Equal(expected, ids[i]);
            // The start token leads every row the library gives any token for.
            Assert.True(ids[i].Length == 0 || ids[i][0] == 1, texts[i]);
        }
    }

    [Fact]
    public void Bpe_ids_from_a_vocabulary_and_merges_file_equal_the_library_called_directly()
    {
        using var dir = new TempDirectory();
        // Single letters, then merges building the test words up pair by pair.
        var merges = new List<string>();
        var tokens = new List<string>(TestVocabulary.Words.SelectMany(w => w).Distinct().Select(c => c.ToString()));
        foreach (var word in TestVocabulary.Words.Where(w => w.All(char.IsAsciiLetterLower)))
        {
            var prefix = word[..1];
            foreach (var next in word[1..])
            {
                merges.Add($"{prefix} {next}");
                prefix += next;
                tokens.Add(prefix);
            }
        }

        File.WriteAllText(dir.Combine("vocab.json"), System.Text.Json.JsonSerializer.Serialize(tokens.Distinct().Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i)));
        File.WriteAllLines(dir.Combine("merges.txt"), ["#version: 0.2", .. merges.Distinct()]);
        var texts = new[] { "the quick brown fox", "lazy dog jump", "batchinference", "model text token", "" };
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { text = t }));
        var settings = new TokenizerSettings { Kind = "Bpe", Vocabulary = dir.Combine("vocab.json"), Merges = dir.Combine("merges.txt"), MaxTokens = 6 };

        var ids = ml.Transforms.Text.TokenizeToIds("ids", "text", settings).Fit(data).Transform(data)
            .GetColumn<VBuffer<long>>("ids").Select(v => v.DenseValues().ToArray()).ToList();

        var reference = BpeTokenizer.Create(dir.Combine("vocab.json"), dir.Combine("merges.txt"));
        Assert.True(ids.Count(row => row.Length > 0) >= 4);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(reference.EncodeToIds(texts[i].AsSpan(), 6, out _, out _).Select(id => (long)id), ids[i]);
        }
    }

    [Fact]
    public void Truncation_keeps_the_special_tokens_and_at_most_MaxTokens()
    {
        using var dir = new TempDirectory();
        var settings = new TokenizerSettings { Vocabulary = TestVocabulary.Write(dir.Path), MaxTokens = 5 };
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { text = "the quick brown fox jumps over the lazy dog" }, new TextRow { text = "" } });

        var ids = ml.Transforms.Text.TokenizeToIds("ids", "text", settings).Fit(data).Transform(data)
            .GetColumn<VBuffer<long>>("ids").Select(v => v.DenseValues().ToArray()).ToList();

        // [CLS] the quick brown [SEP]; empty text is [CLS] [SEP].
        Assert.Equal([2L, 5, 6, 7, 3], ids[0]);
        Assert.Equal([2L, 3], ids[1]);
    }

    [Fact]
    public void Bad_settings_and_inputs_are_reported_with_their_paths()
    {
        using var dir = new TempDirectory();
        var problems = TokenizerSettingsValidator.Problems(new TokenizerSettings { Kind = "Bpe", MaxTokens = 0, IdType = "float", TokenTypeIdsColumn = "attention_mask" }).ToList();
        Assert.Equal(
        [
            "Tokenizer:Vocabulary: Bpe needs its vocabulary file.",
            "Tokenizer:Merges: Bpe needs its merges file.",
            "Tokenizer:MaxTokens: must be from 1 to 65536; it is 0.",
            "Tokenizer:IdType: must be long (int64) or int (int32); it is 'float'.",
            "Tokenizer:TokenTypeIdsColumn: must be a column name other than the attention mask's.",
        ], problems);
        Assert.Equal(["Tokenizer:Kind: must be one of Bert, Bpe, Tiktoken, SentencePiece; it is 'Roberta'."],
            TokenizerSettingsValidator.Problems(new TokenizerSettings { Kind = "Roberta" }));

        var missing = Assert.Throws<BlockTransformException>(() => new TokenizeBlockTransform("ids", "text", new TokenizerSettings { Vocabulary = dir.Combine("nope.txt") }));
        Assert.Equal($"Tokenize: Tokenizer:Vocabulary file '{dir.Combine("nope.txt")}' does not exist.", missing.Message);

        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new NumberRow { n = 1 } });
        var transform = new TokenizeBlockTransform("ids", "n", new TokenizerSettings { Vocabulary = TestVocabulary.Write(dir.Path) });
        Assert.Equal("Tokenize into 'ids': column 'n' holds Single, not text.", Assert.Throws<BlockTransformException>(() => transform.GetOutputColumns(data.Schema)).Message);
    }

    internal static async Task<List<string>> WriteJsonLinesAsync(TempDirectory dir, Random random, int files)
    {
        var texts = new List<string>();
        for (var f = 0; f < files; f++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 400)).Select(_ => TestVocabulary.RandomText(random)).ToList();
            texts.AddRange(lines);
            await File.WriteAllLinesAsync(dir.Combine($"part-{f}.jsonl"), lines.Select(t => System.Text.Json.JsonSerializer.Serialize(new { text = t })));
        }

        return texts;
    }

    private static List<(string Text, long[] Ids, long[] Mask, long[] Types)> Read(IDataView view, string idsColumn)
    {
        var rows = new List<(string, long[], long[], long[])>();
        var columns = new[] { view.Schema["text"], view.Schema[idsColumn], view.Schema["attention_mask"], view.Schema["token_type_ids"] };
        using var cursor = view.GetRowCursor(columns);
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
        var getters = columns[1..].Select(c => cursor.GetGetter<VBuffer<long>>(c)).ToArray();
        ReadOnlyMemory<char> value = default;
        var vectors = new VBuffer<long>[3];
        while (cursor.MoveNext())
        {
            text(ref value);
            for (var i = 0; i < 3; i++)
            {
                getters[i](ref vectors[i]);
            }

            rows.Add((value.ToString(), vectors[0].DenseValues().ToArray(), vectors[1].DenseValues().ToArray(), vectors[2].DenseValues().ToArray()));
        }

        return rows;
    }

    private sealed class TextRow
    {
        public string text { get; set; } = string.Empty;
    }

    private sealed class NumberRow
    {
        public float n { get; set; }
    }
}
