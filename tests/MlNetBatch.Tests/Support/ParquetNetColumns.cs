using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace MlNetBatch.Tests.Support;

/// <summary>Reads whole columns with Parquet.Net, a reader that shares no code with Arrow's writer, for assertions.</summary>
public static class ParquetNetColumns
{
    /// <summary>Every value of a top-level text column, row group after row group.</summary>
    public static async Task<List<string>> TextAsync(string path, string column)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var field = Field(reader, column);
        var values = new List<string>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            var text = new string?[rowGroup.RowCount];
            await rowGroup.ReadAsync(field, text.AsMemory());
            values.AddRange(text.Select(t => t ?? throw new InvalidDataException($"'{column}' holds a null.")));
        }

        return values;
    }

    /// <summary>Every value of a top-level scalar column (no nulls), row group after row group.</summary>
    public static async Task<List<T>> ScalarsAsync<T>(string path, string column)
        where T : struct
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var field = Field(reader, column);
        var values = new List<T>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            using var data = (RawColumnData<T>)await rowGroup.ReadRawColumnDataBaseAsync(field);
            values.AddRange(data.Values.ToArray());
        }

        return values;
    }

    /// <summary>Every row of a list column, rebuilt from Parquet.Net's present items and levels.</summary>
    public static async Task<List<T[]>> ListsAsync<T>(string path, string column)
        where T : struct
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var field = Field(reader, column);
        var rows = new List<T[]>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            using var data = (RawColumnData<T>)await rowGroup.ReadRawColumnDataBaseAsync(field);
            Rebuild(data, field.MaxDefinitionLevel, rows);
        }

        return rows;
    }

    private static void Rebuild<T>(RawColumnData<T> data, int present, List<T[]> rows)
        where T : struct
    {
        var items = data.Values;
        var definitions = data.DefinitionLevels;
        var repetitions = data.RepetitionLevels;
        List<T>? row = null;
        var item = 0;
        for (var level = 0; level < repetitions.Length; level++)
        {
            if (repetitions[level] == 0)
            {
                if (row is not null)
                {
                    rows.Add([.. row]);
                }

                row = [];
            }

            if (definitions[level] == present)
            {
                row!.Add(items[item++]);
            }
        }

        if (row is not null)
        {
            rows.Add([.. row]);
        }
    }

    private static DataField Field(ParquetReader reader, string column) => reader.Schema.GetDataFields().Single(f => f.Path.FirstPart == column);
}
