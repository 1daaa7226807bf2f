using System.Text;

namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>
/// Writes the Thrift compact protocol that Parquet's page headers and footer are stored in: structs of integer,
/// binary, boolean, list and struct fields, which is all Parquet's metadata uses.
/// </summary>
/// <remarks>
/// Parquet.Net's Thrift writer is internal. Field ids must be given in increasing order within a struct, as the
/// generated Thrift code writes them; the compact protocol stores each as a delta from the previous one.
/// </remarks>
internal sealed class ThriftCompactWriter(PooledBufferWriter output)
{
    private const byte BooleanTrue = 1;
    private const byte BooleanFalse = 2;
    private const byte ByteType = 3;
    private const byte Int32Type = 5;
    private const byte Int64Type = 6;
    private const byte BinaryType = 8;
    private const byte ListType = 9;

    /// <summary>The element type of a list of structs.</summary>
    public const byte StructType = 12;

    /// <summary>The element type of a list of 32-bit integers (and enums).</summary>
    public const byte Int32ElementType = Int32Type;

    /// <summary>The element type of a list of strings.</summary>
    public const byte BinaryElementType = BinaryType;

    private readonly Stack<short> _outerFieldIds = new();
    private short _lastFieldId;

    /// <summary>Starts a struct: the top-level one, or an element of a list of structs.</summary>
    public void BeginStruct()
    {
        _outerFieldIds.Push(_lastFieldId);
        _lastFieldId = 0;
    }

    /// <summary>Starts a struct (or union) field.</summary>
    public void BeginStructField(short fieldId)
    {
        FieldHeader(fieldId, StructType);
        BeginStruct();
    }

    /// <summary>Ends the innermost struct with its stop byte.</summary>
    public void EndStruct()
    {
        output.WriteByte(0);
        _lastFieldId = _outerFieldIds.Pop();
    }

    /// <summary>An empty struct field: how Parquet spells unions' marker members such as <c>LIST</c> or <c>TYPE_ORDER</c>.</summary>
    public void EmptyStructField(short fieldId)
    {
        BeginStructField(fieldId);
        EndStruct();
    }

    public void Int32Field(short fieldId, int value)
    {
        FieldHeader(fieldId, Int32Type);
        output.WriteVarint(Pages.Varint.ZigZag(value));
    }

    public void Int64Field(short fieldId, long value)
    {
        FieldHeader(fieldId, Int64Type);
        output.WriteVarint(Pages.Varint.ZigZag(value));
    }

    /// <summary>An <c>i8</c> field, which the compact protocol stores as one raw byte.</summary>
    public void ByteField(short fieldId, sbyte value)
    {
        FieldHeader(fieldId, ByteType);
        output.WriteByte((byte)value);
    }

    /// <summary>A boolean field, whose value the compact protocol folds into the field header.</summary>
    public void BooleanField(short fieldId, bool value) => FieldHeader(fieldId, value ? BooleanTrue : BooleanFalse);

    public void BinaryField(short fieldId, ReadOnlySpan<byte> value)
    {
        FieldHeader(fieldId, BinaryType);
        BinaryElementValue(value);
    }

    public void StringField(short fieldId, string value)
    {
        FieldHeader(fieldId, BinaryType);
        StringElement(value);
    }

    /// <summary>Starts a list field; its <paramref name="count"/> elements follow, written with the element methods.</summary>
    public void BeginListField(short fieldId, byte elementType, int count)
    {
        FieldHeader(fieldId, ListType);
        if (count < 15)
        {
            output.WriteByte((byte)((count << 4) | elementType));
        }
        else
        {
            output.WriteByte((byte)(0xF0 | elementType));
            output.WriteVarint((ulong)count);
        }
    }

    public void Int32Element(int value) => output.WriteVarint(Pages.Varint.ZigZag(value));

    public void StringElement(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        output.WriteVarint((ulong)length);
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        output.Advance(length);
    }

    private void BinaryElementValue(ReadOnlySpan<byte> value)
    {
        output.WriteVarint((ulong)value.Length);
        output.Write(value);
    }

    private void FieldHeader(short fieldId, byte type)
    {
        var delta = fieldId - _lastFieldId;
        if (delta is > 0 and <= 15)
        {
            output.WriteByte((byte)((delta << 4) | type));
        }
        else
        {
            output.WriteByte(type);
            output.WriteVarint(Pages.Varint.ZigZag(fieldId));
        }

        _lastFieldId = fieldId;
    }
}
