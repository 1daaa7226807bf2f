using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>Chooses the sink for each output column's type.</summary>
internal static class ParquetColumnSinks
{
    /// <summary>The sink for <paramref name="column"/>; a clear error when Parquet output cannot hold its type.</summary>
    public static ParquetColumnSink Create(SinkColumn column) => column.Type switch
    {
        TextDataViewType => new TextColumnSink(column),
        DateTimeDataViewType or DateTimeOffsetDataViewType => new TimestampColumnSink(column),
        VectorDataViewType { IsKnownSize: true } vector when IsValue(vector.ItemType) =>
            GenericActivator.Create<ParquetColumnSink>(typeof(FixedListColumnSink<>), vector.ItemType.RawType, column, vector.Size),
        VectorDataViewType vector when IsValue(vector.ItemType) =>
            GenericActivator.Create<ParquetColumnSink>(typeof(VariableListColumnSink<>), vector.ItemType.RawType, column),
        _ when IsValue(column.Type) => GenericActivator.Create<ParquetColumnSink>(typeof(ValueColumnSink<>), column.Type.RawType, column),
        _ => throw new MlNetBatchException(
            $"Output column '{column.Name}' is {ColumnTypeNames.Format(column.Type)}, which Parquet output cannot hold; it takes float, double, byte, sbyte, short, int, long, bool, "
            + "text and date-time columns, and vectors (fixed or variable length) of those numbers or bool. Convert the column or leave it out of the sink's Columns."),
    };

    /// <summary>Numbers and flags: stored as they are in memory.</summary>
    private static bool IsValue(DataViewType type) =>
        type is BooleanDataViewType || type.RawType == typeof(float) || type.RawType == typeof(double) || type.RawType == typeof(int) || type.RawType == typeof(long)
        || type.RawType == typeof(short) || type.RawType == typeof(sbyte) || type.RawType == typeof(byte);
}
