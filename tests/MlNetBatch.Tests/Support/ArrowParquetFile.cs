using ParquetSharp;

namespace MlNetBatch.Tests.Support;

/// <summary>Writes small Parquet files with Apache Arrow's writer (ParquetSharp), one array of values per column.</summary>
public static class ArrowParquetFile
{
    /// <summary>A column: its Parquet definition and its values, one per row.</summary>
    public sealed record Column(ParquetSharp.Column Definition, Array Values);

    /// <summary>A column of <typeparamref name="T"/> values, stored as ParquetSharp maps the type, or as <paramref name="logicalType"/>.</summary>
    public static Column Of<T>(string name, T[] values, LogicalType? logicalType = null) => new(new Column<T>(name, logicalType), values);

    /// <summary>Writes the columns in row groups of <paramref name="rowGroupRows"/>, with the writer properties <paramref name="configure"/> sets.</summary>
    public static void Write(
        string path, int rowGroupRows, IReadOnlyList<Column> columns, Action<WriterPropertiesBuilder>? configure = null,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var builder = new WriterPropertiesBuilder();
        configure?.Invoke(builder);
        using var properties = builder.Build();
        using var file = new ParquetFileWriter(path, columns.Select(c => c.Definition).ToArray(), properties, metadata);
        var rows = columns[0].Values.Length;
        for (var start = 0; start < rows; start += rowGroupRows)
        {
            using var rowGroup = file.AppendRowGroup();
            foreach (var column in columns)
            {
                var write = typeof(ArrowParquetFile).GetMethod(nameof(WriteSlice), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                    .MakeGenericMethod(column.Values.GetType().GetElementType()!);
                write.Invoke(null, [rowGroup, column.Values, start, Math.Min(rowGroupRows, rows - start)]);
            }
        }

        file.Close();
    }

    private static void WriteSlice<T>(RowGroupWriter rowGroup, T[] values, int start, int count)
    {
        using var writer = rowGroup.NextColumn().LogicalWriter<T>();
        writer.WriteBatch(values.AsSpan(start, count));
    }
}
