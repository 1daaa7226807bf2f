using Microsoft.ML.Data;
using Parquet.Schema;

namespace MlNetBatch.Formats.Parquet;

/// <summary>Maps Parquet columns to ML.NET types and back.</summary>
internal static class ParquetTypeMapping
{
    /// <summary>The ML.NET item type for a Parquet leaf's CLR type, or null when ML.NET has no counterpart.</summary>
    public static PrimitiveDataViewType? ToItemType(Type clrType) => clrType switch
    {
        _ when clrType == typeof(float) => NumberDataViewType.Single,
        _ when clrType == typeof(double) || clrType == typeof(decimal) => NumberDataViewType.Double,
        _ when clrType == typeof(int) || clrType == typeof(short) || clrType == typeof(byte) || clrType == typeof(sbyte) || clrType == typeof(ushort) => NumberDataViewType.Int32,
        _ when clrType == typeof(long) || clrType == typeof(uint) => NumberDataViewType.Int64,
        _ when clrType == typeof(bool) => BooleanDataViewType.Instance,
        _ when clrType == typeof(ReadOnlyMemory<char>) || clrType == typeof(string) => TextDataViewType.Instance,
        _ when clrType == typeof(DateTime) => DateTimeDataViewType.Instance,
        _ => null,
    };

    /// <summary>The Parquet field that stores an ML.NET column of <paramref name="type"/>.</summary>
    public static Field ToField(string name, DataViewType type)
    {
        if (type is VectorDataViewType vector)
        {
            return new ListField(name, new DataField("element", ClrType(vector.ItemType), isNullable: false));
        }

        return new DataField(name, ClrType(type), isNullable: type is TextDataViewType);
    }

    /// <summary>
    /// File metadata that records each vector column's length. A fixed-length list is otherwise only inferable from
    /// data, and a file with no rows (a partition whose rows all went to quarantine) has none.
    /// </summary>
    public static Dictionary<string, string> VectorSizeMetadata(IEnumerable<(string Name, DataViewType Type)> columns) =>
        columns.Where(c => c.Type is VectorDataViewType { Size: > 0 })
            .ToDictionary(c => VectorSizeKey(c.Name), c => ((VectorDataViewType)c.Type).Size.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The file-metadata key under which a vector column's length is recorded.</summary>
    public static string VectorSizeKey(string column) => $"MlNetBatch.VectorSize.{column}";

    private static Type ClrType(DataViewType type) => type is TextDataViewType ? typeof(string) : type.RawType;

    /// <summary>
    /// The leaf that holds a top-level field's values: the field itself, or a list's element.
    /// Returns null for nested structures ML.NET cannot represent.
    /// </summary>
    public static DataField? Leaf(Field field) => field switch
    {
        DataField data => data,
        ListField { Item: DataField item } => item,
        _ => null,
    };
}
