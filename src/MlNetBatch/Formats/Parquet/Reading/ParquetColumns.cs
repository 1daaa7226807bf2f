using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>Matches a source's active columns to a file's leaves, refusing up front what cannot be read as declared.</summary>
internal static class ParquetColumns
{
    /// <summary>The leaf of each active column, by schema index; null for inactive columns.</summary>
    /// <exception cref="DataFormatException">A column is missing, or the file stores it in a way its type cannot hold.</exception>
    public static ParquetLeaf?[] Resolve(ParquetFile parquet, PartitionReadContext context)
    {
        var leaves = new ParquetLeaf?[context.Columns.Count];
        for (var c = 0; c < leaves.Length; c++)
        {
            if (context.Active[c])
            {
                leaves[c] = Resolve(parquet, context.Columns[c]);
            }
        }

        return leaves;
    }

    private static ParquetLeaf Resolve(ParquetFile parquet, SourceColumn column)
    {
        var field = parquet.Fields.FirstOrDefault(f => f.Name == column.Name)
            ?? throw new DataFormatException(parquet.Name,
                $"the file has no such column (it has: {string.Join(", ", parquet.Fields.Select(f => f.Name))}).", column.Name);
        if (field.Leaf is not { } leaf)
        {
            throw new DataFormatException(parquet.Name, $"the column's Parquet type ({field.Description}) cannot be read as {ColumnTypeNames.Format(column.Type)}.", column.Name);
        }

        if (ParquetTypeMapping.CanReadAsBytes(leaf, column.Type))
        {
            return leaf;
        }

        var vector = column.Type as VectorDataViewType;
        if (!ParquetTypeMapping.CanRead(leaf, vector?.ItemType ?? column.Type))
        {
            throw new DataFormatException(parquet.Name,
                $"type mismatch: the file stores {ParquetTypeMapping.StoredTypeName(leaf)}{(leaf.IsList ? " lists" : "")} but the schema declares {ColumnTypeNames.Format(column.Type)}.",
                column.Name);
        }

        if (vector is not null && !leaf.IsList)
        {
            throw new DataFormatException(parquet.Name, $"the column holds single values, but the schema declares {ColumnTypeNames.Format(column.Type)}.", column.Name);
        }

        if (vector is null && leaf.IsList)
        {
            throw new DataFormatException(parquet.Name,
                $"the column holds lists, but the schema declares {ColumnTypeNames.Format(column.Type)}; declare it as a vector such as float[N].", column.Name);
        }

        return leaf;
    }
}
