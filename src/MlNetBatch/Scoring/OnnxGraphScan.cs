using Google.Protobuf;
using Onnx;

namespace MlNetBatch.Scoring;

/// <summary>
/// Reads a serialized ONNX model's graph inputs and outputs straight from the protobuf wire format, stepping over
/// the weights: parsing the whole <see cref="ModelProto"/> copies every initializer (63 MB for ResNet18), and an
/// ONNX Runtime session, the other way to learn the shapes, costs a second or more to build.
/// </summary>
internal static class OnnxGraphScan
{
    private const int LengthDelimited = 2;

    /// <summary>ONNX's <c>STRING</c> element type.</summary>
    private const int StringElement = 8;

    /// <summary>
    /// Whether the graph fixes the batch of every input at 1 in a way <see cref="FixedBatchRewriter"/> can open up:
    /// every input (initializers aside) is a non-string tensor shaped [1, fixed sizes…], and no output is a string.
    /// False, too, when the bytes cannot be read this way; the session reports what is wrong with them.
    /// </summary>
    public static bool FixesBatchAtOne(ReadOnlySpan<byte> model)
    {
        if (!TryRead(model, out var inputs, out var outputs) || inputs.Count == 0)
        {
            return false;
        }

        return inputs.All(input => input.Type?.TensorType is { ElemType: > 0 and not StringElement, Shape.Dim: { Count: > 0 } dims }
                && dims[0].HasDimValue && dims[0].DimValue == 1
                && dims.Skip(1).All(d => d.HasDimValue && d.DimValue > 0))
            && outputs.All(output => output.Type?.TensorType is { ElemType: not StringElement });
    }

    /// <summary>
    /// The graph's inputs that are not initializers (as an ONNX Runtime session lists them), and its outputs; false
    /// when the bytes are not a model graph this reader can follow.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> model, out List<ValueInfoProto> inputs, out List<ValueInfoProto> outputs)
    {
        inputs = [];
        outputs = [];
        try
        {
            var graph = default(ReadOnlySpan<byte>);
            var graphs = 0;
            var modelFields = new WireReader(model);
            while (modelFields.Next(out var field, out var wireType, out var payload))
            {
                if (field == ModelProto.GraphFieldNumber && wireType == LengthDelimited)
                {
                    graph = payload;
                    graphs++;
                }
            }

            if (graphs != 1)
            {
                // No graph, or one split over several fields (which protobuf merges): not worth following here.
                return false;
            }

            var declared = new List<ValueInfoProto>();
            var initializers = new HashSet<string>(StringComparer.Ordinal);
            var graphFields = new WireReader(graph);
            while (graphFields.Next(out var field, out var wireType, out var payload))
            {
                if (wireType != LengthDelimited)
                {
                    continue;
                }

                switch (field)
                {
                    case GraphProto.InputFieldNumber:
                        declared.Add(ValueInfoProto.Parser.ParseFrom(payload));
                        break;
                    case GraphProto.OutputFieldNumber:
                        outputs.Add(ValueInfoProto.Parser.ParseFrom(payload));
                        break;
                    case GraphProto.InitializerFieldNumber:
                        initializers.Add(TensorName(payload));
                        break;
                    case GraphProto.SparseInitializerFieldNumber:
                        initializers.Add(TensorName(Field(payload, SparseTensorProto.ValuesFieldNumber)));
                        break;
                }
            }

            // Older models (IR version 3) list every initializer among the inputs too; a session does not.
            inputs = declared.Where(i => !initializers.Contains(i.Name)).ToList();
            return true;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
        {
            inputs = [];
            outputs = [];
            return false;
        }
    }

    /// <summary>A tensor's name, read without copying its data.</summary>
    private static string TensorName(ReadOnlySpan<byte> tensor)
    {
        var name = string.Empty;
        var fields = new WireReader(tensor);
        while (fields.Next(out var field, out var wireType, out var payload))
        {
            if (field == TensorProto.NameFieldNumber && wireType == LengthDelimited)
            {
                name = System.Text.Encoding.UTF8.GetString(payload);
            }
        }

        return name;
    }

    /// <summary>The last length-delimited field numbered <paramref name="number"/>, or nothing.</summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> message, int number)
    {
        var found = default(ReadOnlySpan<byte>);
        var fields = new WireReader(message);
        while (fields.Next(out var field, out var wireType, out var payload))
        {
            if (field == number && wireType == LengthDelimited)
            {
                found = payload;
            }
        }

        return found;
    }

    /// <summary>Steps through a message's fields: varints and fixed-size values are skipped, length-delimited ones handed out as slices.</summary>
    private ref struct WireReader(ReadOnlySpan<byte> message)
    {
        private ReadOnlySpan<byte> _rest = message;

        public bool Next(out int field, out int wireType, out ReadOnlySpan<byte> payload)
        {
            payload = default;
            if (_rest.IsEmpty)
            {
                field = 0;
                wireType = 0;
                return false;
            }

            var tag = ReadVarint();
            field = (int)(tag >> 3);
            wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    ReadVarint();
                    break;
                case 1:
                    Skip(8);
                    break;
                case LengthDelimited:
                    var length = ReadVarint();
                    if (length > (ulong)_rest.Length)
                    {
                        throw new InvalidDataException("A field runs past the end of its message.");
                    }

                    payload = _rest[..(int)length];
                    _rest = _rest[(int)length..];
                    break;
                case 5:
                    Skip(4);
                    break;
                default:
                    // Groups (3, 4) are not used by ONNX; anything else is not protobuf.
                    throw new InvalidDataException($"Wire type {wireType} is not expected in an ONNX model.");
            }

            return true;
        }

        private void Skip(int bytes)
        {
            if (_rest.Length < bytes)
            {
                throw new InvalidDataException("A field runs past the end of its message.");
            }

            _rest = _rest[bytes..];
        }

        private ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_rest.IsEmpty)
                {
                    throw new InvalidDataException("A number runs past the end of its message.");
                }

                var b = _rest[0];
                _rest = _rest[1..];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new InvalidDataException("A number is longer than 64 bits.");
        }
    }
}
