using Parquet;
using Parquet.Schema;

namespace MlNetBatch.Tests.Support;

/// <summary>Writes small Parquet files with exactly the columns a test needs.</summary>
public static class ParquetFiles
{
    public sealed record Column(DataField Field, Array Values);

    public static async Task WriteAsync(string path, int rowGroupSize, params Column[] columns)
    {
        var schema = new ParquetSchema(columns.Select(c => (Field)c.Field));
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        var rows = columns[0].Values.Length;
        for (var start = 0; start < rows; start += rowGroupSize)
        {
            var count = Math.Min(rowGroupSize, rows - start);
            using var group = writer.CreateRowGroup();
            foreach (var column in columns)
            {
                await WriteSliceAsync(group, column, start, count);
            }

            group.CompleteValidate();
        }
    }

    private static Task WriteSliceAsync(ParquetRowGroupWriter group, Column column, int start, int count) => column.Values switch
    {
        float[] v => group.WriteAsync<float>(column.Field, v.AsMemory(start, count), null, null, default),
        float?[] v => group.WriteAsync<float>(column.Field, v.AsMemory(start, count), null, null, default),
        long[] v => group.WriteAsync<long>(column.Field, v.AsMemory(start, count), null, null, default),
        long?[] v => group.WriteAsync<long>(column.Field, v.AsMemory(start, count), null, null, default),
        int[] v => group.WriteAsync<int>(column.Field, v.AsMemory(start, count), null, null, default),
        double[] v => group.WriteAsync<double>(column.Field, v.AsMemory(start, count), null, null, default),
        string[] v => group.WriteAsync(column.Field, v.AsMemory(start, count).ToArray()),
        _ => throw new NotSupportedException(column.Values.GetType().Name),
    };
}
