using ParquetSharp;
using ParquetSharp.Schema;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// A top-level field of a Parquet file and, when ML.NET can hold it, the one leaf column that stores it: a flat
/// column or a list of values. Structures, maps and nested lists have no leaf here and stay in the file, unread.
/// </summary>
/// <param name="Name">The field's name.</param>
/// <param name="Leaf">The column that stores it, or null when it cannot be read.</param>
/// <param name="Description">The field's Parquet type in words, for error messages.</param>
internal sealed record ParquetField(string Name, ParquetLeaf? Leaf, string Description)
{
    /// <summary>The top-level fields of a file's schema, in schema order.</summary>
    public static IReadOnlyList<ParquetField> ReadAll(SchemaDescriptor schema)
    {
        // Each leaf column belongs to the top-level field its path starts with.
        var leaves = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var c = 0; c < schema.NumColumns; c++)
        {
            using var path = schema.Column(c).Path;
            var top = path.ToDotVector()[0];
            if (!leaves.TryGetValue(top, out var columns))
            {
                leaves[top] = columns = [];
            }

            columns.Add(c);
        }

        var fields = new List<ParquetField>();
        using var root = schema.GroupNode;
        foreach (var node in root.Fields)
        {
            using (node)
            {
                var columns = leaves.GetValueOrDefault(node.Name);
                var descriptor = columns is [var only] ? schema.Column(only) : null;
                var leaf = descriptor is null ? null : ParquetLeaf.TryCreate(node, descriptor, columns![0]);
                fields.Add(new ParquetField(node.Name, leaf, leaf?.Description ?? Describe(node, columns?.Count ?? 0)));
            }
        }

        return fields;
    }

    private static string Describe(Node node, int leafCount)
    {
        if (node is PrimitiveNode primitive)
        {
            using var logical = primitive.LogicalType;
            return logical.Type is LogicalTypeEnum.None ? $"{primitive.PhysicalType}" : $"{primitive.PhysicalType} ({logical.Type})";
        }

        using var groupLogical = node.LogicalType;
        return groupLogical.Type switch
        {
            LogicalTypeEnum.List => "a nested list",
            LogicalTypeEnum.Map => "a map",
            _ => $"a structure of {leafCount} columns",
        };
    }
}
