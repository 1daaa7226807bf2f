using Google.Protobuf;
using Onnx;

namespace MlNetBatch.Scoring;

/// <summary>
/// Reads a serialized ONNX model's graph inputs and outputs field by field with Google.Protobuf's
/// <see cref="CodedInputStream"/>, stepping over everything else: parsing the whole <see cref="ModelProto"/> builds a
/// message for every initializer (63 MB of them for ResNet18), and an ONNX Runtime session, the other way to learn
/// the shapes, costs a second or more to build.
/// </summary>
internal static class OnnxGraphScan
{
    /// <summary>ONNX's <c>STRING</c> element type.</summary>
    private const int StringElement = 8;

    /// <summary>
    /// Whether a graph of <paramref name="inputs"/> and <paramref name="outputs"/> (as <see cref="TryRead"/> gives them)
    /// fixes the batch of every input at 1 in a way <see cref="FixedBatchRewriter"/> can open up: every input is a
    /// non-string tensor shaped [1, fixed sizes…], and no output is a string.
    /// </summary>
    public static bool FixesBatchAtOne(IReadOnlyList<ValueInfoProto> inputs, IReadOnlyList<ValueInfoProto> outputs) =>
        inputs.Count > 0
        && inputs.All(input => input.Type?.TensorType is { ElemType: > 0 and not StringElement, Shape.Dim: { Count: > 0 } dims }
                && dims[0].HasDimValue && dims[0].DimValue == 1
                && dims.Skip(1).All(d => d.HasDimValue && d.DimValue > 0))
        && outputs.All(output => output.Type?.TensorType is { ElemType: not StringElement });

    /// <summary>
    /// The graph's inputs that are not initializers (as an ONNX Runtime session lists them), and its outputs; false
    /// when the bytes are not a model graph.
    /// </summary>
    public static bool TryRead(byte[] model, out List<ValueInfoProto> inputs, out List<ValueInfoProto> outputs)
    {
        inputs = [];
        outputs = [];
        try
        {
            var graphs = Fields(new CodedInputStream(model), ModelProto.GraphFieldNumber).ToList();
            if (graphs.Count != 1)
            {
                // No graph, or one split over several fields (which protobuf merges): not worth following here.
                return false;
            }

            var declared = new List<ValueInfoProto>();
            var initializers = new HashSet<string>(StringComparer.Ordinal);
            var graph = graphs[0].CreateCodedInput();
            for (var tag = graph.ReadTag(); tag != 0; tag = graph.ReadTag())
            {
                if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
                {
                    graph.SkipLastField();
                    continue;
                }

                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case GraphProto.InputFieldNumber:
                        declared.Add(Read<ValueInfoProto>(graph));
                        break;
                    case GraphProto.OutputFieldNumber:
                        outputs.Add(Read<ValueInfoProto>(graph));
                        break;
                    case GraphProto.InitializerFieldNumber:
                        initializers.Add(TensorName(graph.ReadBytes()));
                        break;
                    case GraphProto.SparseInitializerFieldNumber:
                        initializers.Add(Read<SparseTensorProto>(graph).Values?.Name ?? string.Empty);
                        break;
                    default:
                        graph.SkipLastField();
                        break;
                }
            }

            // Older models (IR version 3) list every initializer among the inputs too; a session does not.
            inputs = declared.Where(i => !initializers.Contains(i.Name)).ToList();
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            inputs = [];
            outputs = [];
            return false;
        }
    }

    private static T Read<T>(CodedInputStream input)
        where T : IMessage, new()
    {
        var message = new T();
        input.ReadMessage(message);
        return message;
    }

    /// <summary>A tensor's name, read without building the tensor (its data is most of the model).</summary>
    private static string TensorName(ByteString tensor) =>
        Fields(tensor.CreateCodedInput(), TensorProto.NameFieldNumber).Select(name => name.ToStringUtf8()).LastOrDefault() ?? string.Empty;

    /// <summary>The length-delimited fields numbered <paramref name="number"/> of the message <paramref name="input"/> reads.</summary>
    private static IEnumerable<ByteString> Fields(CodedInputStream input, int number)
    {
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                yield return input.ReadBytes();
            }
            else
            {
                input.SkipLastField();
            }
        }
    }
}
