using Google.Protobuf;

namespace MlNetBatch.Samples.Generator;

/// <summary>Small helpers over <see cref="CodedOutputStream"/> for hand-encoding protobuf messages.</summary>
internal static class ProtoWriter
{
    /// <summary>Encodes a message body into its own buffer so its length can prefix it.</summary>
    public static ByteString Encode(Action<CodedOutputStream> writeBody)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            writeBody(output);
        }

        // The buffer is private and never touched again, so wrapping it without a copy is safe.
        return UnsafeByteOperations.UnsafeWrap(buffer.ToArray());
    }

    public static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> writeBody)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(Encode(writeBody));
    }

    public static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    public static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    public static void WriteBytes(CodedOutputStream output, int field, byte[] value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(value));
    }

    public static void WritePackedInt64(CodedOutputStream output, int field, IReadOnlyList<long> values)
    {
        // onnx.proto declares some of these fields unpacked, but conforming parsers accept either
        // encoding, and packed is smaller and needs no per-element tag.
        var length = 0;
        foreach (var value in values)
        {
            length += CodedOutputStream.ComputeInt64Size(value);
        }

        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteLength(length);
        foreach (var value in values)
        {
            output.WriteInt64(value);
        }
    }
}
