using Google.Protobuf;
using Onnx;

namespace MlNetBatch.Scoring;

/// <summary>
/// Makes the copy of a serialized model that <see cref="FixedBatchRewriter"/> loads: OnnxSharp's <c>SetDim</c> gives
/// the graph an open batch dimension, and the weights are carried over byte for byte instead of being parsed into
/// messages and serialized again.
/// </summary>
/// <remarks>
/// Only the graph's small parts are parsed: its nodes, inputs, outputs, value infos and the initializers of up to
/// <see cref="ParsedInitializerBytes"/> (<c>SetDim</c> rewrites the shape tensor of each <c>Reshape</c>, a few
/// integers). A larger initializer stays out of the parsed graph but is named in it by an empty tensor while
/// <c>SetDim</c> runs, since it looks initializers up by name; the copy then holds the parsed graph followed by the
/// large initializers' original fields. Protobuf merges a repeated field from wherever it appears in the message, so
/// the copy parses as the whole-model rewrite does, only with the large initializers listed last.
/// </remarks>
internal static class OpenBatchCopy
{
    /// <summary>Initializers up to this size are parsed with the graph; a <c>Reshape</c>'s shape is far smaller.</summary>
    internal const int ParsedInitializerBytes = 4096;

    /// <summary>The model of <paramref name="model"/> with the leading dimension of its inputs, outputs, value infos and <c>Reshape</c> shapes open.</summary>
    /// <exception cref="InvalidProtocolBufferException">The bytes are not a model.</exception>
    /// <exception cref="InvalidOperationException">A <c>Reshape</c>'s shape is not an initializer.</exception>
    public static byte[] Create(byte[] model)
    {
        var modelFields = ProtoFields.Read(model, 0, model.Length);
        if (OnnxGraphScan.GraphField(model) is not { } graphField)
        {
            // No graph, or one split over several fields: the whole model, parsed.
            var whole = ModelProto.Parser.ParseFrom(model);
            whole.Graph.SetDim();
            return whole.ToByteArray();
        }

        var graphFields = ProtoFields.ReadNested(model, graphField);
        var carried = graphFields.Where(IsCarried).ToList();
        var graph = GraphProto.Parser.ParseFrom(Concatenate(model, graphFields.Where(f => !IsCarried(f)).ToList()));
        var parsedInitializers = graph.Initializer.Count;
        graph.Initializer.AddRange(carried.Select(f => new TensorProto { Name = OnnxGraphScan.TensorName(model, f) }));
        graph.SetDim();
        while (graph.Initializer.Count > parsedInitializers)
        {
            graph.Initializer.RemoveAt(graph.Initializer.Count - 1);
        }

        var graphBytes = graph.ToByteArray();
        var graphLength = graphBytes.Length + carried.Sum(f => f.End - f.Start);
        var header = new byte[CodedOutputStream.ComputeTagSize(ModelProto.GraphFieldNumber) + CodedOutputStream.ComputeLengthSize(graphLength)];
        var writer = new CodedOutputStream(header);
        writer.WriteTag(ModelProto.GraphFieldNumber, WireFormat.WireType.LengthDelimited);
        writer.WriteLength(graphLength);
        writer.Flush();

        var copy = new byte[model.Length - (graphField.End - graphField.Start) + header.Length + graphLength];
        var written = 0;
        foreach (var field in modelFields)
        {
            if (field != graphField)
            {
                written += Copy(model, field.Start, field.End, copy, written);
                continue;
            }

            written += Copy(header, 0, header.Length, copy, written);
            written += Copy(graphBytes, 0, graphBytes.Length, copy, written);
            foreach (var initializer in carried)
            {
                written += Copy(model, initializer.Start, initializer.End, copy, written);
            }
        }

        return copy;
    }

    private static bool IsCarried(ProtoField field) =>
        field.Number == GraphProto.InitializerFieldNumber && field.IsLengthDelimited && field.PayloadLength > ParsedInitializerBytes;

    private static byte[] Concatenate(byte[] source, List<ProtoField> fields)
    {
        var bytes = new byte[fields.Sum(f => f.End - f.Start)];
        var written = 0;
        foreach (var field in fields)
        {
            written += Copy(source, field.Start, field.End, bytes, written);
        }

        return bytes;
    }

    private static int Copy(byte[] source, int start, int end, byte[] target, int at)
    {
        source.AsSpan(start, end - start).CopyTo(target.AsSpan(at));
        return end - start;
    }
}
