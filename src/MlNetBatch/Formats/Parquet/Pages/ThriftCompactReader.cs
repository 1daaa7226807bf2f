namespace MlNetBatch.Formats.Parquet.Pages;

/// <summary>
/// Reads the Thrift compact protocol that Parquet page headers are written in: just enough to walk a struct's
/// fields, read integers and skip everything else.
/// </summary>
/// <remarks>Parquet.Net's own Thrift reader is internal, and page headers are the only Thrift we parse ourselves.</remarks>
internal ref struct ThriftCompactReader(ReadOnlySpan<byte> data)
{
    private const byte BooleanTrue = 1;
    private const byte BooleanFalse = 2;
    private const byte Byte = 3;
    private const byte Int16 = 4;
    private const byte Int32 = 5;
    private const byte Int64 = 6;
    private const byte Double = 7;
    private const byte Binary = 8;
    private const byte List = 9;
    private const byte Set = 10;
    private const byte Map = 11;
    private const byte Struct = 12;

    // Deeper nesting than this is not a page header but a corrupt or hostile one.
    private const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data = data;
    private short _lastFieldId;

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    /// <summary>The type of the field <see cref="NextField"/> last returned.</summary>
    public byte FieldType { get; private set; }

    /// <summary>Moves to the next field of the current struct; false at its end.</summary>
    public bool NextField(out short fieldId)
    {
        var header = ReadByte();
        FieldType = (byte)(header & 0x0F);
        if (FieldType == 0)
        {
            fieldId = 0;
            return false;
        }

        var delta = header >> 4;
        _lastFieldId = delta == 0 ? (short)ZigZag(ReadVarint()) : (short)(_lastFieldId + delta);
        fieldId = _lastFieldId;
        return true;
    }

    /// <summary>Reads the current field as a 32-bit integer.</summary>
    public int ReadInt32()
    {
        Expect(Int32);
        return (int)ZigZag(ReadVarint());
    }

    /// <summary>Reads the current field as a boolean (stored in the field header itself).</summary>
    public bool ReadBoolean() => FieldType switch
    {
        BooleanTrue => true,
        BooleanFalse => false,
        _ => throw Corrupt($"a boolean field has type {FieldType}"),
    };

    /// <summary>Enters the current field, a struct; <see cref="EndStruct"/> leaves it.</summary>
    public short BeginStruct()
    {
        Expect(Struct);
        var outer = _lastFieldId;
        _lastFieldId = 0;
        return outer;
    }

    /// <summary>Leaves a struct entered with <see cref="BeginStruct"/>, after its last field.</summary>
    public void EndStruct(short outerFieldId) => _lastFieldId = outerFieldId;

    /// <summary>Skips the current field, whatever its type.</summary>
    public void SkipField() => Skip(FieldType, depth: 0);

    private void Skip(byte type, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Corrupt("structures are nested too deeply");
        }

        switch (type)
        {
            case BooleanTrue or BooleanFalse:
                break;
            case Byte:
                ReadByte();
                break;
            case Int16 or Int32 or Int64:
                ReadVarint();
                break;
            case Double:
                Advance(8);
                break;
            case Binary:
                Advance(checked((int)ReadVarint()));
                break;
            case List or Set:
                var header = ReadByte();
                var count = header >> 4 == 15 ? checked((int)ReadVarint()) : header >> 4;
                var elementType = (byte)(header & 0x0F);
                for (var i = 0; i < count; i++)
                {
                    // Booleans inside a collection take a whole byte each, unlike boolean fields.
                    Skip(elementType is BooleanTrue or BooleanFalse ? Byte : elementType, depth + 1);
                }

                break;
            case Map:
                var entries = checked((int)ReadVarint());
                if (entries > 0)
                {
                    var types = ReadByte();
                    for (var i = 0; i < entries; i++)
                    {
                        Skip((byte)(types >> 4), depth + 1);
                        Skip((byte)(types & 0x0F), depth + 1);
                    }
                }

                break;
            case Struct:
                var outer = _lastFieldId;
                _lastFieldId = 0;
                while (NextField(out _))
                {
                    Skip(FieldType, depth + 1);
                }

                _lastFieldId = outer;
                break;
            default:
                throw Corrupt($"unknown field type {type}");
        }
    }

    private void Expect(byte type)
    {
        if (FieldType != type)
        {
            throw Corrupt($"a field has type {FieldType} where {type} was expected");
        }
    }

    private byte ReadByte()
    {
        if (Position >= _data.Length)
        {
            throw Corrupt("the header ends early");
        }

        return _data[Position++];
    }

    private void Advance(int count)
    {
        if (count < 0 || count > _data.Length - Position)
        {
            throw Corrupt("the header ends early");
        }

        Position += count;
    }

    private ulong ReadVarint()
    {
        var position = Position;
        var value = Varint.Read(_data, ref position);
        Position = position;
        return value;
    }

    private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static InvalidDataException Corrupt(string reason) => new($"Corrupt Parquet page header: {reason}.");
}
