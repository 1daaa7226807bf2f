using Google.Protobuf;

namespace MlNetBatch.Samples.Generator;

/// <summary>A node attribute (<c>AttributeProto</c>) holding one int, one float or a list of ints.</summary>
public sealed class OnnxAttribute
{
    // AttributeProto.AttributeType values.
    private const int TypeFloat = 1;
    private const int TypeInt = 2;
    private const int TypeInts = 7;

    private readonly int _type;
    private readonly long _int;
    private readonly float _float;
    private readonly long[] _ints;

    private OnnxAttribute(string name, int type, long intValue, float floatValue, long[] ints)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _type = type;
        _int = intValue;
        _float = floatValue;
        _ints = ints;
    }

    /// <summary>The attribute name, e.g. <c>axis</c>.</summary>
    public string Name { get; }

    /// <summary>Creates an INT attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, TypeInt, value, 0f, []);

    /// <summary>Creates a FLOAT attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, TypeFloat, 0, value, []);

    /// <summary>Creates an INTS attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(name, TypeInts, 0, 0f, (long[])values.Clone());
    }

    internal void WriteTo(CodedOutputStream output)
    {
        ProtoWriter.WriteString(output, 1, Name);
        switch (_type)
        {
            // onnx.proto is proto2, where presence is observable: write the value even when it is zero.
            case TypeFloat:
                output.WriteTag(2, WireFormat.WireType.Fixed32);
                output.WriteFloat(_float);
                break;
            case TypeInt:
                output.WriteTag(3, WireFormat.WireType.Varint);
                output.WriteInt64(_int);
                break;
            case TypeInts:
                ProtoWriter.WritePackedInt64(output, 8, _ints);
                break;
        }

        output.WriteTag(20, WireFormat.WireType.Varint);
        output.WriteEnum(_type);
    }
}
