using Google.Protobuf;
using Onnx;

namespace MlNetBatch.Scoring;

/// <summary>
/// Makes the copy of a serialized model that <see cref="FixedBatchRewriter"/> loads: OnnxSharp's <c>SetDim</c> gives
/// the graph an open batch dimension, and the weights are carried over byte for byte instead of being parsed into
/// messages and serialized again.
/// </summary>
/// <remarks>
/// Only the graph's small parts are parsed: its nodes, inputs, outputs, value infos, the initializers of up to
/// <see cref="ParsedInitializerBytes"/>, and the shape initializer of each <c>Reshape</c>, which <c>SetDim</c>
/// rewrites. A larger initializer stays out of the parsed graph but is named in it by an empty tensor while
/// <c>SetDim</c> runs, since it looks initializers up by name; the copy then holds the parsed graph followed by the
/// large initializers' original fields. Protobuf merges a repeated field from wherever it appears in the message, so
/// the copy parses as the whole-model rewrite does, only with the large initializers listed last.
/// </remarks>
internal static class OpenBatchCopy
{
    /// <summary>Initializers up to this size are parsed with the graph; larger ones are weights, carried as bytes.</summary>
    internal const int ParsedInitializerBytes = 4096;

    /// <summary>The model of <paramref name="model"/> with the leading dimension of its inputs, outputs, value infos and <c>Reshape</c> shapes open.</summary>
    /// <exception cref="InvalidProtocolBufferException">The bytes are not a model.</exception>
    /// <exception cref="InvalidOperationException">A <c>Reshape</c>'s shape is not an initializer, or a value is not a tensor of known rank.</exception>
    public static byte[] Create(byte[] model)
    {
        var modelFields = ProtoFields.Read(model, 0, model.Length);
        if (OnnxGraphScan.GraphField(modelFields) is not { } graphField)
        {
            // No graph, or one split over several fields: the whole model, parsed.
            var whole = ModelProto.Parser.ParseFrom(model);
            ThrowIfUnshaped(whole.Graph ?? throw new InvalidOperationException("the model has no graph"));
            whole.Graph.SetDim();
            return whole.ToByteArray();
        }

        var graphFields = ProtoFields.ReadNested(model, graphField);
        // SetDim rewrites the shape initializer of each Reshape: those are parsed, whatever their size.
        var shapes = graphFields.Where(f => f.Number == GraphProto.NodeFieldNumber && f.IsLengthDelimited)
            .Select(f => ProtoFields.Parse(model, f, NodeProto.Parser))
            .Where(node => node.OpType == "Reshape" && node.Input.Count > 1)
            .Select(node => node.Input[1])
            .ToHashSet(StringComparer.Ordinal);
        var carried = graphFields.Where(IsWeightSized)
            .Select(f => (Field: f, Name: OnnxGraphScan.TensorName(model, f)))
            .Where(initializer => !shapes.Contains(initializer.Name))
            .ToList();
        var carriedStarts = carried.Select(c => c.Field.Start).ToHashSet();
        var graph = GraphProto.Parser.ParseFrom(Concatenate(model, graphFields.Where(f => !carriedStarts.Contains(f.Start)).ToList()));
        var parsedInitializers = graph.Initializer.Count;
        graph.Initializer.AddRange(carried.Select(c => new TensorProto { Name = c.Name }));
        ThrowIfUnshaped(graph);
        graph.SetDim();
        while (graph.Initializer.Count > parsedInitializers)
        {
            graph.Initializer.RemoveAt(graph.Initializer.Count - 1);
        }

        var graphBytes = graph.ToByteArray();
        var graphLength = graphBytes.Length + carried.Sum(c => c.Field.End - c.Field.Start);
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
            foreach (var (initializer, _) in carried)
            {
                written += Copy(model, initializer.Start, initializer.End, copy, written);
            }
        }

        return copy;
    }

    private static bool IsWeightSized(ProtoField field) =>
        field.Number == GraphProto.InitializerFieldNumber && field.IsLengthDelimited && field.PayloadLength > ParsedInitializerBytes;

    /// <summary>
    /// SetDim reads the shape of every input that is not an initializer, every value info and every output, and fails
    /// with a <see cref="NullReferenceException"/> on one that is not a tensor of known rank: said here instead, so the
    /// model keeps its fixed batch.
    /// </summary>
    private static void ThrowIfUnshaped(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var values = graph.Input.Where(i => !initializers.Contains(i.Name)).Concat(graph.ValueInfo).Concat(graph.Output);
        if (values.FirstOrDefault(v => v.Type?.TensorType?.Shape is not { Dim.Count: > 0 }) is { } unshaped)
        {
            throw new InvalidOperationException($"'{unshaped.Name}' is not a tensor of known rank, so its batch dimension cannot be opened");
        }
    }

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
