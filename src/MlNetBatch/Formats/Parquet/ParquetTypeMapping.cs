using Microsoft.ML.Data;
using MlNetBatch.Formats.Parquet.Reading;

namespace MlNetBatch.Formats.Parquet;

/// <summary>Maps Parquet columns to ML.NET types and back.</summary>
internal static class ParquetTypeMapping
{
    /// <summary>The ML.NET item type a column infers as, or null when inference leaves it unread.</summary>
    public static PrimitiveDataViewType? ToItemType(ParquetLeaf leaf) => leaf.Kind switch
    {
        ParquetValueKind.Float => NumberDataViewType.Single,
        ParquetValueKind.Double or ParquetValueKind.Decimal => NumberDataViewType.Double,
        ParquetValueKind.Int32 => NumberDataViewType.Int32,
        ParquetValueKind.Int64 or ParquetValueKind.UInt32 => NumberDataViewType.Int64,
        ParquetValueKind.Boolean => BooleanDataViewType.Instance,
        ParquetValueKind.Text => TextDataViewType.Instance,
        // An instant (adjusted to UTC) is a DateTimeOffset: as a DateTime it would be written back without its zone.
        ParquetValueKind.Timestamp when leaf.IsUtc => DateTimeOffsetDataViewType.Instance,
        ParquetValueKind.Date or ParquetValueKind.Timestamp or ParquetValueKind.Int96Timestamp => DateTimeDataViewType.Instance,
        // No signed ML.NET type holds every UInt64; raw bytes are rarely text. Both read when a schema declares them.
        _ => null,
    };

    /// <summary>
    /// Whether a column's values read as items of <paramref name="itemType"/>: integers as any number, fractional
    /// numbers as float or double, dates and times as either date type, text as text.
    /// </summary>
    public static bool CanRead(ParquetLeaf leaf, DataViewType itemType) => leaf.Kind switch
    {
        ParquetValueKind.Text or ParquetValueKind.Binary => itemType is TextDataViewType && !leaf.IsList,
        ParquetValueKind.Date or ParquetValueKind.Timestamp or ParquetValueKind.Int96Timestamp => itemType is DateTimeDataViewType or DateTimeOffsetDataViewType,
        // Decimals stored as bytes are converted one value at a time as they are read, which a list reader does not do.
        ParquetValueKind.Decimal when leaf.IsList && leaf.Physical is ParquetSharp.PhysicalType.ByteArray or ParquetSharp.PhysicalType.FixedLenByteArray => false,
        // Fractional numbers go only to float or double: an integer column would silently drop the fraction (2.9 as 2).
        ParquetValueKind.Float or ParquetValueKind.Double or ParquetValueKind.Decimal =>
            itemType == NumberDataViewType.Single || itemType == NumberDataViewType.Double,
        _ => itemType is NumberDataViewType or BooleanDataViewType,
    };

    /// <summary>
    /// Whether a column of <paramref name="type"/> reads a flat BYTE_ARRAY column as raw bytes: a variable-size
    /// <c>byte</c> vector, the type encoded images and other blobs read as.
    /// </summary>
    public static bool IsBinaryVector(DataViewType type) =>
        type is VectorDataViewType { IsKnownSize: false } vector && vector.ItemType == NumberDataViewType.Byte;

    /// <summary>Whether a flat column of raw or UTF-8 bytes can be read as a <see cref="IsBinaryVector"/> column.</summary>
    public static bool CanReadAsBytes(ParquetLeaf leaf, DataViewType type) =>
        IsBinaryVector(type) && !leaf.IsList && leaf.Kind is ParquetValueKind.Binary or ParquetValueKind.Text
        && leaf.Physical == ParquetSharp.PhysicalType.ByteArray;

    /// <summary>The stored type in the words an error message uses (<c>text</c>, <c>Int64</c>, <c>DateTime</c>).</summary>
    public static string StoredTypeName(ParquetLeaf leaf) => leaf.Kind switch
    {
        ParquetValueKind.Text => "text",
        ParquetValueKind.Binary => "binary",
        ParquetValueKind.Float => nameof(Single),
        ParquetValueKind.Date or ParquetValueKind.Timestamp or ParquetValueKind.Int96Timestamp => nameof(DateTime),
        var kind => kind.ToString(),
    };

    /// <summary>The file-metadata key under which a vector column's length is recorded.</summary>
    public static string VectorSizeKey(string column) => $"MlNetBatch.VectorSize.{column}";
}
