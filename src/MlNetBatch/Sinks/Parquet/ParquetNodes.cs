using Microsoft.ML.Data;
using ParquetSharp;
using ParquetSharp.Schema;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>
/// The Parquet schema nodes for ML.NET types: the schema Parquet.Net writes for the same columns, which MlNetBatch's
/// source and every mainstream reader understand.
/// </summary>
internal static class ParquetNodes
{
    /// <summary>The name of a list's repeated middle group, as the format's three-level list specifies.</summary>
    public const string ListGroupName = "list";

    /// <summary>The name of a list's item.</summary>
    public const string ElementName = "element";

    /// <summary>
    /// A leaf holding values of <paramref name="itemType"/>. Text is optional, as Parquet.Net declares it, though
    /// MlNetBatch writes no nulls; numbers, flags and times are required.
    /// </summary>
    public static PrimitiveNode Leaf(string name, DataViewType itemType)
    {
        var (physical, logical) = Storage(itemType);
        using (logical)
        {
            return new PrimitiveNode(name, itemType is TextDataViewType ? Repetition.Optional : Repetition.Required, logical, physical);
        }
    }

    /// <summary>An optional three-level list: <c>name (LIST)</c> → repeated group <c>list</c> → required <c>element</c>.</summary>
    public static GroupNode List(string name, DataViewType itemType)
    {
        var (physical, logical) = Storage(itemType);
        using var itemLogical = logical;
        using var element = new PrimitiveNode(ElementName, Repetition.Required, logical, physical);
        using var repeated = new GroupNode(ListGroupName, Repetition.Repeated, [element]);
        using var list = LogicalType.List();
        return new GroupNode(name, Repetition.Optional, [repeated], list);
    }

    /// <summary>
    /// Times are microseconds since 1970 (what Spark reads natively; nanoseconds cannot reach ML.NET's year 1 or 9999).
    /// A <see cref="DateTime"/> has no zone, so it is a local ("naive") timestamp; a <see cref="DateTimeOffset"/> is
    /// stored as its UTC instant.
    /// </summary>
    private static (PhysicalType Physical, LogicalType Logical) Storage(DataViewType itemType) => itemType switch
    {
        TextDataViewType => (PhysicalType.ByteArray, LogicalType.String()),
        BooleanDataViewType => (PhysicalType.Boolean, LogicalType.None()),
        DateTimeDataViewType => (PhysicalType.Int64, LogicalType.Timestamp(isAdjustedToUtc: false, TimeUnit.Micros)),
        DateTimeOffsetDataViewType => (PhysicalType.Int64, LogicalType.Timestamp(isAdjustedToUtc: true, TimeUnit.Micros)),
        _ when itemType.RawType == typeof(float) => (PhysicalType.Float, LogicalType.None()),
        _ when itemType.RawType == typeof(double) => (PhysicalType.Double, LogicalType.None()),
        _ when itemType.RawType == typeof(int) => (PhysicalType.Int32, LogicalType.Int(32, isSigned: true)),
        _ when itemType.RawType == typeof(long) => (PhysicalType.Int64, LogicalType.Int(64, isSigned: true)),
        // Narrow integers (pixels, token types) are stored widened to int32, annotated with their width, as Parquet specifies.
        _ when itemType.RawType == typeof(short) => (PhysicalType.Int32, LogicalType.Int(16, isSigned: true)),
        _ when itemType.RawType == typeof(sbyte) => (PhysicalType.Int32, LogicalType.Int(8, isSigned: true)),
        _ when itemType.RawType == typeof(byte) => (PhysicalType.Int32, LogicalType.Int(8, isSigned: false)),
        _ => throw new NotSupportedException($"ML.NET type {itemType} has no Parquet storage here."),
    };
}
