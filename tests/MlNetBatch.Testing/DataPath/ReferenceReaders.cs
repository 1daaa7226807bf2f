using System.Globalization;
using System.Text.Json;
using MlNetBatch.Testing.Python;
using ParquetSharp;

namespace MlNetBatch.Testing.DataPath;

/// <summary>
/// Readers and writers that share no code with MlNetBatch: Python's csv and json modules, and Apache Arrow's C++
/// Parquet library (ParquetSharp). What MlNetBatch reads and writes is checked against them.
/// </summary>
public static class ReferenceReaders
{
    private const string PythonReader = """
        import csv, json, sys
        out = []
        for path in sys.argv[1:]:
            with open(path, newline='', encoding='utf-8-sig') as f:
                if path.endswith('.csv'):
                    out.append(list(csv.reader(f)))
                else:
                    # JSON "-0" is an integer to Python; in a float column it is negative zero.
                    out.append([json.loads(line, parse_int=lambda t: -0.0 if t == '-0' else int(t)) for line in f if line.strip()])
        json.dump(out, sys.stdout)
        """;

    /// <summary>The files read by Python: CSV as lists of fields (the header first), JSON Lines as objects.</summary>
    public static List<JsonElement> ReadWithPython(IReadOnlyList<string> paths) =>
        JsonDocument.Parse(PythonScripts.Run(PythonReader, paths)).RootElement.EnumerateArray().ToList();

    /// <summary>Rows of CSV fields (header first) as rows, the fields parsed as MlNetBatch's writer and the generator print them.</summary>
    public static List<GeneratedRow> RowsFromCsv(JsonElement file)
    {
        var records = file.EnumerateArray().Select(r => r.EnumerateArray().Select(f => f.GetString()!).ToArray()).ToList();
        if (records.Count == 0)
        {
            return [];
        }

        var header = records[0];
        int Index(string name) => Array.IndexOf(header, name);
        return records.Skip(1).Select(f => new GeneratedRow(
            long.Parse(f[Index("id")], CultureInfo.InvariantCulture),
            float.Parse(f[Index("f")], CultureInfo.InvariantCulture),
            double.Parse(f[Index("d")], CultureInfo.InvariantCulture),
            int.Parse(f[Index("n")], CultureInfo.InvariantCulture),
            f[Index("s")])).ToList();
    }

    /// <summary>The id and one float column of each CSV record (header first).</summary>
    public static IEnumerable<(long Id, float Value)> ColumnFromCsv(JsonElement file, string column)
    {
        var records = file.EnumerateArray().Select(r => r.EnumerateArray().Select(f => f.GetString()!).ToArray()).ToList();
        var id = records.Count == 0 ? 0 : Array.IndexOf(records[0], "id");
        var value = records.Count == 0 ? 0 : Array.IndexOf(records[0], column);
        return records.Skip(1).Select(f => (long.Parse(f[id], CultureInfo.InvariantCulture), float.Parse(f[value], CultureInfo.InvariantCulture)));
    }

    /// <summary>The id and one float property of each JSON object.</summary>
    public static IEnumerable<(long Id, float Value)> ColumnFromJson(JsonElement file, string column) =>
        file.EnumerateArray().Select(o => (o.GetProperty("id").GetInt64(), (float)o.GetProperty(column).GetDouble()));

    /// <summary>The id and the one item of a float array property of each JSON object.</summary>
    public static IEnumerable<(long Id, float Value)> SingleItemArrayFromJson(JsonElement file, string column) =>
        file.EnumerateArray().Select(o => (o.GetProperty("id").GetInt64(), (float)o.GetProperty(column).EnumerateArray().Single().GetDouble()));

    /// <summary>The id and the one item of a float list column of a Parquet file, read with Apache Arrow's reader.</summary>
    public static IEnumerable<(long Id, float Value)> SingleItemListFromParquet(string path, string column)
    {
        using var file = new ParquetFileReader(path);
        var schema = file.FileMetaData.Schema;
        int Index(string name) => Enumerable.Range(0, schema.NumColumns).First(i => schema.Column(i).Path.ToDotVector()[0] == name);
        var pairs = new List<(long, float)>();
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            var count = checked((int)group.MetaData.NumRows);
            var ids = ReadColumn<long>(group, Index("id"), count);
            using var list = group.Column(Index(column));
            using var reader = list.LogicalReader<float[]>();
            pairs.AddRange(ids.Zip(reader.ReadAll(count).Select(items => items.Single())));
        }

        return pairs;
    }

    /// <summary>The id and one float column of a Parquet file, read with Apache Arrow's reader.</summary>
    public static IEnumerable<(long Id, float Value)> ColumnFromParquet(string path, string column)
    {
        using var file = new ParquetFileReader(path);
        var schema = file.FileMetaData.Schema;
        int Index(string name) => Enumerable.Range(0, schema.NumColumns).First(i => schema.Column(i).Name == name);
        var pairs = new List<(long, float)>();
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            var count = checked((int)group.MetaData.NumRows);
            var ids = ReadColumn<long>(group, Index("id"), count);
            var values = ReadColumn<float>(group, Index(column), count);
            pairs.AddRange(ids.Zip(values));
        }

        return pairs;
    }

    /// <summary>Objects of a JSON Lines file as rows.</summary>
    public static List<GeneratedRow> RowsFromJson(JsonElement file) =>
        file.EnumerateArray().Select(o => new GeneratedRow(
            o.GetProperty("id").GetInt64(),
            (float)o.GetProperty("f").GetDouble(),
            o.GetProperty("d").GetDouble(),
            o.GetProperty("n").GetInt32(),
            o.GetProperty("s").GetString()!)).ToList();

    /// <summary>Writes rows as Apache Arrow's writer does by default (dictionary-encoded text, Snappy).</summary>
    public static void WriteParquet(string path, IReadOnlyList<GeneratedRow> rows, int rowGroupRows)
    {
        Column[] columns = [new Column<long>("id"), new Column<float>("f"), new Column<double>("d"), new Column<int>("n"), new Column<string>("s")];
        using var file = new ParquetFileWriter(path, columns);
        for (var start = 0; start < rows.Count || (start == 0 && rows.Count == 0); start += rowGroupRows)
        {
            var group = rows.Skip(start).Take(rowGroupRows).ToList();
            using var rowGroup = file.AppendRowGroup();
            using (var id = rowGroup.NextColumn().LogicalWriter<long>()) id.WriteBatch(group.Select(r => r.Id).ToArray());
            using (var f = rowGroup.NextColumn().LogicalWriter<float>()) f.WriteBatch(group.Select(r => r.F).ToArray());
            using (var d = rowGroup.NextColumn().LogicalWriter<double>()) d.WriteBatch(group.Select(r => r.D).ToArray());
            using (var n = rowGroup.NextColumn().LogicalWriter<int>()) n.WriteBatch(group.Select(r => r.N).ToArray());
            using (var s = rowGroup.NextColumn().LogicalWriter<string>()) s.WriteBatch(group.Select(r => r.S).ToArray());
            if (rows.Count == 0)
            {
                break;
            }
        }

        file.Close();
    }

    /// <summary>Reads rows back with Apache Arrow's reader, by column name.</summary>
    public static List<GeneratedRow> ReadParquet(string path)
    {
        using var file = new ParquetFileReader(path);
        var schema = file.FileMetaData.Schema;
        int Index(string name) => Enumerable.Range(0, schema.NumColumns).First(i => schema.Column(i).Name == name);
        var rows = new List<GeneratedRow>();
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            var count = checked((int)group.MetaData.NumRows);
            var id = ReadColumn<long>(group, Index("id"), count);
            var f = ReadColumn<float>(group, Index("f"), count);
            var d = ReadColumn<double>(group, Index("d"), count);
            var n = ReadColumn<int>(group, Index("n"), count);
            using var text = group.Column(Index("s")).LogicalReader<string>();
            var s = text.ReadAll(count);
            rows.AddRange(Enumerable.Range(0, count).Select(i => new GeneratedRow(id[i], f[i], d[i], n[i], s[i])));
        }

        return rows;
    }

    // A writer may declare columns optional; a null in one is a failure of the data path, not a value.
    private static T[] ReadColumn<T>(RowGroupReader group, int index, int count)
        where T : struct
    {
        using var column = group.Column(index);
        if (column.ColumnDescriptor.MaxDefinitionLevel == 0)
        {
            using var required = column.LogicalReader<T>();
            return required.ReadAll(count);
        }

        using var optional = column.LogicalReader<T?>();
        return optional.ReadAll(count).Select((v, row) => v ?? throw new InvalidDataException($"row {row} of column {index} is null")).ToArray();
    }
}
