using Microsoft.ML.Data;
using MlNetBatch.Data.Columns;
using ParquetSharp;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Reads one column chunk of a row group, a chunk of rows at a time, into a column's <see cref="ColumnBuffer"/>:
/// memory follows the chunk of rows, not the row group. Created per row group and column; owns its ParquetSharp reader.
/// </summary>
internal abstract class ColumnChunkReader : IDisposable
{
    // The constructor itself is kept: it holds the invoker reflection builds for it, which a lookup by type through
    // Activator would rebuild (and compile again) whenever the runtime drops its own cache, in every job.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(ParquetValueKind, Type, Type, bool), System.Reflection.ConstructorInfo> ReaderConstructors = new();

    /// <summary>Reads the next <paramref name="rows"/> rows into slots 0 to <paramref name="rows"/> - 1 of <paramref name="target"/>.</summary>
    public abstract void Read(ColumnBuffer target, int rows, ChunkScope scope);

    /// <inheritdoc />
    public abstract void Dispose();

    /// <summary>
    /// A reader of <paramref name="column"/> (the chunk of <paramref name="leaf"/> in one row group) into a buffer of
    /// <paramref name="type"/>, which <see cref="ParquetTypeMapping.CanRead"/> has accepted.
    /// </summary>
    public static ColumnChunkReader Create(ColumnReader column, ParquetLeaf leaf, DataViewType type)
    {
        var item = type is VectorDataViewType vector ? vector.ItemType : type;
        if (item is TextDataViewType)
        {
            return new TextChunkReader((ColumnReader<ByteArray>)column, leaf);
        }

        if (ParquetTypeMapping.IsBinaryVector(type))
        {
            return new BinaryChunkReader((ColumnReader<ByteArray>)column, leaf);
        }

        var stored = StoredType(leaf.Physical);
        var converter = ConverterType(leaf.Kind, stored, item.RawType);
        var constructor = ReaderConstructors.GetOrAdd((leaf.Kind, item.RawType, converter, leaf.IsList), key => (key.Item4 ? typeof(ListChunkReader<,,>) : typeof(FlatChunkReader<,,>))
            .MakeGenericType(stored, key.Item2, key.Item3).GetConstructors().Single());
        return (ColumnChunkReader)constructor.Invoke([column, leaf, CreateConverter(converter, leaf)]);
    }

    private static Type StoredType(PhysicalType physical) => physical switch
    {
        PhysicalType.Boolean => typeof(bool),
        PhysicalType.Int32 => typeof(int),
        PhysicalType.Int64 => typeof(long),
        PhysicalType.Int96 => typeof(Int96),
        PhysicalType.Float => typeof(float),
        PhysicalType.Double => typeof(double),
        PhysicalType.ByteArray => typeof(ByteArray),
        PhysicalType.FixedLenByteArray => typeof(FixedLenByteArray),
        _ => throw new NotSupportedException($"Parquet physical type {physical}."),
    };

    private static Type ConverterType(ParquetValueKind kind, Type stored, Type value) => kind switch
    {
        ParquetValueKind.UInt32 or ParquetValueKind.UInt64 => typeof(UnsignedConverter<,>).MakeGenericType(stored, value),
        ParquetValueKind.Decimal => typeof(DecimalConverter<,>).MakeGenericType(stored, value),
        ParquetValueKind.Date or ParquetValueKind.Timestamp or ParquetValueKind.Int96Timestamp => typeof(TemporalConverter<,>).MakeGenericType(stored, value),
        _ when stored == value => typeof(SameType<>).MakeGenericType(stored),
        _ => typeof(NumberConverter<,>).MakeGenericType(stored, value),
    };

    private static object CreateConverter(Type converter, ParquetLeaf leaf)
    {
        var definition = converter.GetGenericTypeDefinition();
        if (definition == typeof(DecimalConverter<,>))
        {
            return Activator.CreateInstance(converter, leaf.Scale, leaf.TypeLength)!;
        }

        if (definition == typeof(TemporalConverter<,>))
        {
            return converter.GetMethod("For")!.Invoke(null, [leaf])!;
        }

        return Activator.CreateInstance(converter)!;
    }
}
