using Google.Protobuf;

namespace MlNetBatch.Tests.Pipeline.Text;

/// <summary>
/// Writes a small SentencePiece BPE model (sentencepiece_model.proto's <c>ModelProto</c>) for the tests, since no model
/// may be downloaded: the special pieces, the words of <see cref="TestVocabulary"/> with the word-start mark, and
/// single characters, scored so that longer pieces win.
/// </summary>
internal static class SentencePieceModelFile
{
    private const string WordStart = "\u2581";

    public static string Write(string directory)
    {
        var path = Path.Combine(directory, "test.model");
        using var file = File.Create(path);
        using var output = new CodedOutputStream(file);
        var pieces = new List<(string Piece, float Score, int Type)> { ("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3) };
        pieces.AddRange(TestVocabulary.Words.Select((w, i) => (WordStart + w, -1f - i, 1)));
        pieces.AddRange(TestVocabulary.Words.SelectMany(w => Merges(w)).Distinct().Select((m, i) => (m, -100f - i, 1)));
        pieces.AddRange(((string[])[WordStart, .. "abcdefghijklmnopqrstuvwxyz.,!?'-".Select(c => c.ToString())]).Select((c, i) => (c, -1000f - i, 1)));
        foreach (var (piece, score, type) in pieces.DistinctBy(p => p.Piece))
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(Message(m =>
            {
                m.WriteTag(1, WireFormat.WireType.LengthDelimited);
                m.WriteString(piece);
                m.WriteTag(2, WireFormat.WireType.Fixed32);
                m.WriteFloat(score);
                m.WriteTag(3, WireFormat.WireType.Varint);
                m.WriteEnum(type);
            }));
        }

        // TrainerSpec: BPE, unk 0, bos 1, eos 2, no padding piece.
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(Message(m =>
        {
            (int Field, long Value)[] values = [(3, 2), (40, 0), (41, 1), (42, 2), (43, -1)];
            foreach (var (field, value) in values)
            {
                m.WriteTag(field, WireFormat.WireType.Varint);
                m.WriteInt64(value);
            }
        }));

        // NormalizerSpec: identity, with the word-start mark added before the text and for each space.
        output.WriteTag(3, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(Message(m =>
        {
            m.WriteTag(1, WireFormat.WireType.LengthDelimited);
            m.WriteString("identity");
            foreach (var field in new[] { 3, 4, 5 })
            {
                m.WriteTag(field, WireFormat.WireType.Varint);
                m.WriteBool(true);
            }
        }));
        return path;
    }

    /// <summary>Every prefix of the word-start mark plus the word, so that BPE can build the word up from characters.</summary>
    private static IEnumerable<string> Merges(string word)
    {
        for (var length = 1; length < word.Length; length++)
        {
            yield return WordStart + word[..length];
        }
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var memory = new MemoryStream();
        using (var message = new CodedOutputStream(memory, leaveOpen: true))
        {
            write(message);
        }

        return ByteString.CopyFrom(memory.ToArray());
    }
}
