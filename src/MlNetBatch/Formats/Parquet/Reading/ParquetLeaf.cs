using ParquetSharp;
using ParquetSharp.Schema;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>The leaf column that stores a readable top-level field: where it is, how its values and levels read.</summary>
/// <param name="ColumnIndex">The leaf's index among the file's columns.</param>
/// <param name="Physical">The stored type.</param>
/// <param name="Kind">What the stored values mean.</param>
/// <param name="MaxDefinition">The definition level of a present value; lower levels are nulls.</param>
/// <param name="MaxRepetition">0 for a flat column, 1 for a list.</param>
/// <param name="ItemDefinition">
/// For a list, the lowest definition level at which a slot is an item (present or null); below it the row's list is
/// empty or null and has no items.
/// </param>
/// <param name="Unit">For a timestamp, the unit it counts.</param>
/// <param name="IsUtc">For a timestamp, whether it is an instant (adjusted to UTC) rather than a local date and time.</param>
/// <param name="Scale">For a decimal, the digits after the point.</param>
/// <param name="TypeLength">For a FIXED_LEN_BYTE_ARRAY, its length.</param>
/// <param name="Description">The stored type in words, for error messages.</param>
internal sealed record ParquetLeaf(
    int ColumnIndex,
    PhysicalType Physical,
    ParquetValueKind Kind,
    short MaxDefinition,
    short MaxRepetition,
    short ItemDefinition,
    TimeUnit Unit,
    bool IsUtc,
    int Scale,
    int TypeLength,
    string Description)
{
    /// <summary>Whether the field is a list.</summary>
    public bool IsList => MaxRepetition > 0;

    /// <summary>
    /// Describes <paramref name="descriptor"/> as the store of the top-level field <paramref name="top"/>, or returns
    /// null when the shape (a structure, a nested list) or the type (an interval, a UUID) has no ML.NET counterpart.
    /// </summary>
    public static ParquetLeaf? TryCreate(Node top, ColumnDescriptor descriptor, int columnIndex)
    {
        using var logical = descriptor.LogicalType;
        var physical = descriptor.PhysicalType;
        var description = logical.Type is LogicalTypeEnum.None ? $"{physical}" : $"{physical} ({logical.Type})";
        var kind = KindOf(physical, logical);
        var maxRepetition = descriptor.MaxRepetitionLevel;
        if (kind is null || maxRepetition > 1 || !IsFlatOrList(top, maxRepetition))
        {
            return null;
        }

        using var node = descriptor.SchemaNode;
        return new ParquetLeaf(
            columnIndex,
            physical,
            kind.Value,
            descriptor.MaxDefinitionLevel,
            maxRepetition,
            ItemDefinitionLevel(node, descriptor.MaxDefinitionLevel, maxRepetition),
            logical is TimestampLogicalType timestamp ? timestamp.TimeUnit : TimeUnit.Unknown,
            logical is TimestampLogicalType { IsAdjustedToUtc: true },
            logical is DecimalLogicalType decimalType ? decimalType.Scale : 0,
            descriptor.TypeLength,
            description);
    }

    private static ParquetValueKind? KindOf(PhysicalType physical, LogicalType logical) => (physical, logical) switch
    {
        // Up to 38 digits: an Int128 holds the unscaled value.
        (PhysicalType.Int32 or PhysicalType.Int64 or PhysicalType.ByteArray or PhysicalType.FixedLenByteArray, DecimalLogicalType { Precision: <= 38 })
            => ParquetValueKind.Decimal,
        (PhysicalType.Boolean, _) => ParquetValueKind.Boolean,
        (PhysicalType.Int32, IntLogicalType { IsSigned: false, BitWidth: 32 }) => ParquetValueKind.UInt32,
        (PhysicalType.Int32, DateLogicalType) => ParquetValueKind.Date,
        (PhysicalType.Int32, IntLogicalType or NoneLogicalType) => ParquetValueKind.Int32,
        (PhysicalType.Int64, IntLogicalType { IsSigned: false }) => ParquetValueKind.UInt64,
        (PhysicalType.Int64, TimestampLogicalType { TimeUnit: TimeUnit.Millis or TimeUnit.Micros or TimeUnit.Nanos }) => ParquetValueKind.Timestamp,
        (PhysicalType.Int64, IntLogicalType or NoneLogicalType) => ParquetValueKind.Int64,
        (PhysicalType.Int96, _) => ParquetValueKind.Int96Timestamp,
        (PhysicalType.Float, _) => ParquetValueKind.Float,
        (PhysicalType.Double, _) => ParquetValueKind.Double,
        (PhysicalType.ByteArray, StringLogicalType or EnumLogicalType or JsonLogicalType) => ParquetValueKind.Text,
        (PhysicalType.ByteArray, NoneLogicalType or BsonLogicalType) => ParquetValueKind.Binary,
        _ => null,
    };

    /// <summary>A flat column is its own top-level field; a list is a LIST group around one repeated leaf, or a bare repeated leaf.</summary>
    private static bool IsFlatOrList(Node top, int maxRepetition)
    {
        if (maxRepetition == 0)
        {
            return top is PrimitiveNode;
        }

        if (top is PrimitiveNode)
        {
            return top.Repetition == Repetition.Repeated;
        }

        using var logical = top.LogicalType;
        return logical.Type == LogicalTypeEnum.List && top.Repetition != Repetition.Repeated;
    }

    /// <summary>
    /// The definition level of the repeated node: the leaf's maximum less the optional nodes between that node and the
    /// leaf (at most the element itself, whose null then sits one level below a present value).
    /// </summary>
    private static short ItemDefinitionLevel(Node leaf, short maxDefinition, int maxRepetition)
    {
        if (maxRepetition == 0)
        {
            return maxDefinition;
        }

        var level = maxDefinition;
        var node = leaf;
        while (node.Repetition != Repetition.Repeated)
        {
            if (node.Repetition == Repetition.Optional)
            {
                level--;
            }

            var parent = node.Parent ?? throw new InvalidOperationException("A list leaf has no repeated ancestor.");
            if (!ReferenceEquals(node, leaf))
            {
                node.Dispose();
            }

            node = parent;
        }

        if (!ReferenceEquals(node, leaf))
        {
            node.Dispose();
        }

        return level;
    }
}
