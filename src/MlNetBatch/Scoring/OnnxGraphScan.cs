using Google.Protobuf;
using Onnx;

namespace MlNetBatch.Scoring;

/// <summary>
/// Reads a serialized ONNX model's graph inputs and outputs field by field (<see cref="ProtoFields"/>), stepping over
/// everything else: parsing the whole <see cref="ModelProto"/> builds a
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
            if (GraphField(ProtoFields.Read(model, 0, model.Length)) is not { } graph)
            {
                return false;
            }

            var declared = new List<ValueInfoProto>();
            var initializers = new HashSet<string>(StringComparer.Ordinal);
            foreach (var field in ProtoFields.ReadNested(model, graph))
            {
                switch (field.IsLengthDelimited ? field.Number : 0)
                {
                    case GraphProto.InputFieldNumber:
                        declared.Add(ProtoFields.Parse(model, field, ValueInfoProto.Parser));
                        break;
                    case GraphProto.OutputFieldNumber:
                        outputs.Add(ProtoFields.Parse(model, field, ValueInfoProto.Parser));
                        break;
                    case GraphProto.InitializerFieldNumber:
                        initializers.Add(TensorName(model, field));
                        break;
                    case GraphProto.SparseInitializerFieldNumber:
                        initializers.Add(ProtoFields.Parse(model, field, SparseTensorProto.Parser).Values?.Name ?? string.Empty);
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

    /// <summary>
    /// The graph field among a model's top-level <paramref name="modelFields"/>; null when it has none, or one split
    /// over several fields (which protobuf merges: not worth following here).
    /// </summary>
    public static ProtoField? GraphField(IReadOnlyList<ProtoField> modelFields)
    {
        var graphs = modelFields.Where(f => f.Number == ModelProto.GraphFieldNumber && f.IsLengthDelimited).ToList();
        return graphs.Count == 1 ? graphs[0] : null;
    }

    /// <summary>A tensor's name, read without building the tensor (its data is most of the model).</summary>
    public static string TensorName(byte[] model, ProtoField tensor) =>
        ProtoFields.ReadNested(model, tensor)
            .Where(f => f.Number == TensorProto.NameFieldNumber && f.IsLengthDelimited)
            .Select(f => System.Text.Encoding.UTF8.GetString(model, f.PayloadStart, f.PayloadLength))
            .LastOrDefault() ?? string.Empty;
}
