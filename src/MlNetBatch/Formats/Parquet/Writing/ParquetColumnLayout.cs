using Microsoft.ML.Data;
using MlNetBatch.Formats.Parquet.Pages;
using MlNetBatch.Sinks;
using Parquet.Schema;

namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>
/// How one output column is stored: its Parquet storage type, its levels, and for vectors the fixed length of every
/// list. The schema is the one Parquet.Net writes for the same column, so files read back the same whichever wrote them.
/// </summary>
internal sealed class ParquetColumnLayout
{
    private ParquetColumnLayout(SinkColumn column, Field field, DataField leaf, PhysicalType type, int listSize)
    {
        Column = column;
        Field = field;
        Leaf = leaf;
        Type = type;
        ListSize = listSize;
    }

    /// <summary>The name of a list's repeated middle group: the format's standard one, which Parquet.Net also uses.</summary>
    public const string ListContainerName = "list";

    /// <summary>The column written.</summary>
    public SinkColumn Column { get; }

    /// <summary>The top-level Parquet field: the leaf itself, or the list that holds it.</summary>
    public Field Field { get; }

    /// <summary>The field that holds the values.</summary>
    public DataField Leaf { get; }

    public PhysicalType Type { get; }

    /// <summary>Items per row for vector columns, stored as lists; 0 for scalars.</summary>
    public int ListSize { get; }

    /// <summary>The values stored per row: 1 for scalars.</summary>
    public int ValuesPerRow => Math.Max(ListSize, 1);

    /// <summary>
    /// Integers are delta-encoded: ids and labels differ little from row to row, so they cost a few bits each and
    /// leave the compressor almost nothing to do. Arrow, parquet-mr, Spark 3.3+ and Parquet.Net decode it.
    /// </summary>
    public ValueEncoding Encoding => ListSize == 0 && Type is PhysicalType.Int32 or PhysicalType.Int64 ? ValueEncoding.DeltaBinaryPacked : ValueEncoding.Plain;

    /// <summary>The leaf's path from the root, as the footer names it.</summary>
    public IReadOnlyList<string> Path => Field is ListField list ? [list.Name, ListContainerName, Leaf.Name] : [Leaf.Name];

    /// <summary>
    /// The layout of <paramref name="column"/> whose field in a built schema is <paramref name="field"/>, or null when
    /// this writer does not store that type (booleans, dates, variable-length vectors), and Parquet.Net must.
    /// </summary>
    public static ParquetColumnLayout? TryCreate(SinkColumn column, Field field)
    {
        if (ParquetTypeMapping.Leaf(field) is not { } leaf)
        {
            return null;
        }

        var vector = column.Type as VectorDataViewType;
        var itemType = vector?.ItemType ?? column.Type;
        var listSize = vector?.Size ?? 0;
        if (vector is not null && (listSize == 0 || itemType is TextDataViewType))
        {
            return null;
        }

        PhysicalType? type = itemType switch
        {
            TextDataViewType => PhysicalType.ByteArray,
            _ when itemType.RawType == typeof(int) => PhysicalType.Int32,
            _ when itemType.RawType == typeof(long) => PhysicalType.Int64,
            _ when itemType.RawType == typeof(float) => PhysicalType.Float,
            _ when itemType.RawType == typeof(double) => PhysicalType.Double,
            _ => null,
        };
        return type is null ? null : new ParquetColumnLayout(column, field, leaf, type.Value, listSize);
    }
}
