using System.Buffers.Binary;
using Google.Protobuf;

namespace MlNetBatch.Samples.Generator;

/// <summary>
/// Fluent builder that encodes a single-graph ONNX <c>ModelProto</c> straight to protobuf bytes,
/// so the samples need neither the onnx Python package nor generated proto classes.
/// </summary>
public sealed class OnnxModelBuilder
{
    /// <summary>The producer name recorded in every model this builder writes.</summary>
    public const string ProducerName = "MlNetBatch.SampleGenerator";

    // IR 8 with opset 13 is old enough for every ONNX Runtime the project supports
    // and new enough for Softmax/ArgMax with the modern axis semantics.
    private const long IrVersion = 8;
    private const long OpsetVersion = 13;

    private readonly string _graphName;
    private readonly List<ValueInfo> _inputs = [];
    private readonly List<ValueInfo> _outputs = [];
    private readonly List<Initializer> _initializers = [];
    private readonly List<Node> _nodes = [];

    /// <summary>Creates a builder for a graph with the given name.</summary>
    public OnnxModelBuilder(string graphName = "main")
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        _graphName = graphName;
    }

    /// <summary>
    /// Declares a graph input. Each dim is an <see cref="int"/> or <see cref="long"/> (fixed size)
    /// or a <see cref="string"/> (symbolic, e.g. <c>"batch"</c>).
    /// </summary>
    public OnnxModelBuilder AddInput(string name, OnnxElementType type, params object[] dims)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _inputs.Add(new ValueInfo(name, type, ParseDims(dims)));
        return this;
    }

    /// <summary>Declares a graph output; dims as for <see cref="AddInput"/>.</summary>
    public OnnxModelBuilder AddOutput(string name, OnnxElementType type, params object[] dims)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _outputs.Add(new ValueInfo(name, type, ParseDims(dims)));
        return this;
    }

    /// <summary>Adds a float constant tensor (weights, biases) to the graph.</summary>
    public OnnxModelBuilder AddInitializer(string name, float[] values, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckElementCount(name, values.Length, dims);

        // raw_data is defined as little-endian regardless of the host, hence explicit byte order.
        var raw = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        _initializers.Add(new Initializer(name, OnnxElementType.Float, (long[])dims.Clone(), raw));
        return this;
    }

    /// <summary>Adds an int64 constant tensor (shapes, indices) to the graph.</summary>
    public OnnxModelBuilder AddInitializer(string name, long[] values, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckElementCount(name, values.Length, dims);

        var raw = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        }

        _initializers.Add(new Initializer(name, OnnxElementType.Int64, (long[])dims.Clone(), raw));
        return this;
    }

    /// <summary>Appends a node; nodes must be added in topological order, as ONNX requires.</summary>
    public OnnxModelBuilder AddNode(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(attributes);

        // Unique node names make ORT's error messages and profiles point at the right node.
        var name = $"{opType}_{_nodes.Count}";
        _nodes.Add(new Node(name, opType, (string[])inputs.Clone(), (string[])outputs.Clone(), (OnnxAttribute[])attributes.Clone()));
        return this;
    }

    /// <summary>Encodes the model as ONNX protobuf bytes.</summary>
    public byte[] Build()
    {
        if (_outputs.Count == 0)
        {
            throw new InvalidOperationException("An ONNX graph needs at least one output.");
        }

        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            ProtoWriter.WriteInt64(output, 1, IrVersion);
            ProtoWriter.WriteString(output, 2, ProducerName);
            ProtoWriter.WriteMessage(output, 7, WriteGraph);
            ProtoWriter.WriteMessage(output, 8, opset =>
            {
                // The default domain is the empty string; writing it explicitly matches what onnx emits.
                ProtoWriter.WriteString(opset, 1, string.Empty);
                ProtoWriter.WriteInt64(opset, 2, OpsetVersion);
            });
        }

        return buffer.ToArray();
    }

    /// <summary>Encodes the model and writes it to <paramref name="path"/>, creating the folder if needed.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(path, Build());
    }

    private void WriteGraph(CodedOutputStream graph)
    {
        foreach (var node in _nodes)
        {
            ProtoWriter.WriteMessage(graph, 1, node.WriteTo);
        }

        ProtoWriter.WriteString(graph, 2, _graphName);

        foreach (var initializer in _initializers)
        {
            ProtoWriter.WriteMessage(graph, 5, initializer.WriteTo);
        }

        foreach (var input in _inputs)
        {
            ProtoWriter.WriteMessage(graph, 11, input.WriteTo);
        }

        foreach (var output in _outputs)
        {
            ProtoWriter.WriteMessage(graph, 12, output.WriteTo);
        }
    }

    private static Dim[] ParseDims(object[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var parsed = new Dim[dims.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            parsed[i] = dims[i] switch
            {
                int value when value >= 0 => new Dim(value, null),
                long value when value >= 0 => new Dim(value, null),
                string symbol when symbol.Length > 0 => new Dim(0, symbol),
                _ => throw new ArgumentException(
                    $"Dimension {i} must be a non-negative int/long or a non-empty string, not '{dims[i] ?? "null"}'.",
                    nameof(dims)),
            };
        }

        return parsed;
    }

    private static void CheckElementCount(string name, int count, long[] dims)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(dims);
        long expected = 1;
        foreach (var dim in dims)
        {
            expected *= dim;
        }

        // ORT would reject the mismatch too, but only at load time and far from the call that caused it.
        if (expected != count)
        {
            throw new ArgumentException(
                $"Initializer '{name}' has {count} values but shape [{string.Join(",", dims)}] needs {expected}.");
        }
    }

    private readonly record struct Dim(long Value, string? Symbol);

    private sealed record ValueInfo(string Name, OnnxElementType Type, Dim[] Dims)
    {
        public void WriteTo(CodedOutputStream valueInfo)
        {
            ProtoWriter.WriteString(valueInfo, 1, Name);
            ProtoWriter.WriteMessage(valueInfo, 2, typeProto =>
                ProtoWriter.WriteMessage(typeProto, 1, tensor =>
                {
                    ProtoWriter.WriteInt64(tensor, 1, (long)Type);
                    ProtoWriter.WriteMessage(tensor, 2, shape =>
                    {
                        foreach (var dim in Dims)
                        {
                            ProtoWriter.WriteMessage(shape, 1, dimension =>
                            {
                                if (dim.Symbol is { } symbol)
                                {
                                    ProtoWriter.WriteString(dimension, 2, symbol);
                                }
                                else
                                {
                                    ProtoWriter.WriteInt64(dimension, 1, dim.Value);
                                }
                            });
                        }
                    });
                }));
        }
    }

    private sealed record Initializer(string Name, OnnxElementType Type, long[] Dims, byte[] RawData)
    {
        public void WriteTo(CodedOutputStream tensor)
        {
            ProtoWriter.WritePackedInt64(tensor, 1, Dims);
            ProtoWriter.WriteInt64(tensor, 2, (long)Type);
            ProtoWriter.WriteString(tensor, 8, Name);
            ProtoWriter.WriteBytes(tensor, 9, RawData);
        }
    }

    private sealed record Node(string Name, string OpType, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes)
    {
        public void WriteTo(CodedOutputStream node)
        {
            foreach (var input in Inputs)
            {
                ProtoWriter.WriteString(node, 1, input);
            }

            foreach (var output in Outputs)
            {
                ProtoWriter.WriteString(node, 2, output);
            }

            ProtoWriter.WriteString(node, 3, Name);
            ProtoWriter.WriteString(node, 4, OpType);
            foreach (var attribute in Attributes)
            {
                ProtoWriter.WriteMessage(node, 5, attribute.WriteTo);
            }
        }
    }
}
