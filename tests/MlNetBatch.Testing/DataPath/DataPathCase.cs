using System.Globalization;
using System.Text;
using System.Text.Json;
using MlNetBatch.Data;

namespace MlNetBatch.Testing.DataPath;

/// <summary>
/// One generated input: a format, files with odd names (dots, spaces, Unicode, the same name in two folders), rows
/// with awkward text (quotes, separators, line breaks, empty strings, non-ASCII) and extreme numbers, and the
/// partition and chunk sizes to read it with. The same seed always gives the same case.
/// </summary>
public sealed class DataPathCase
{
    private static readonly string[] Names = ["sales-2024.01", "sales-2024.02", "my file", "my_file", "données", "日本 data", "a.b.c", "part-00000", "x"];
    private static readonly string[] Folders = ["", "", "left/", "right/", "deep/er/"];
    private static readonly string[] TextPieces =
    [
        "", "plain", "with,comma", "quote\"inside", "\"starts quoted\"", "line\nbreak", "crlf\r\nbreak", "777,0.1,looks like a row\n888,2",
        " padded ", "日本語", "émoji 😀", "tab\tseparated", "\"\"", ",", "\n", "back\\slash", "x",
    ];

    private DataPathCase(int seed, DataFormatKind format, IReadOnlyList<(string Path, IReadOnlyList<GeneratedRow> Rows)> files, long partitionBytes, int chunkRows, int rowGroupRows, bool crlf)
    {
        Seed = seed;
        Format = format;
        Files = files;
        PartitionBytes = partitionBytes;
        ChunkRows = chunkRows;
        RowGroupRows = rowGroupRows;
        UseCrlf = crlf;
    }

    public int Seed { get; }

    public DataFormatKind Format { get; }

    /// <summary>Relative paths and their rows, in the order a source lists them (ordinal by path).</summary>
    public IReadOnlyList<(string Path, IReadOnlyList<GeneratedRow> Rows)> Files { get; }

    public long PartitionBytes { get; }

    public int ChunkRows { get; }

    public int RowGroupRows { get; }

    public bool UseCrlf { get; }

    public IEnumerable<GeneratedRow> AllRows => Files.SelectMany(f => f.Rows);

    public string Extension => Format.Name switch { "Csv" => ".csv", "JsonLines" => ".jsonl", _ => ".parquet" };

    public override string ToString() =>
        $"seed {Seed}: {Format}, {Files.Count} file(s) [{string.Join(", ", Files.Select(f => $"{f.Path} ({f.Rows.Count} rows)"))}], PartitionBytes {PartitionBytes}, ChunkRows {ChunkRows}, RowGroupRows {RowGroupRows}{(UseCrlf ? ", CRLF" : string.Empty)}";

    /// <summary>
    /// The case of <paramref name="seed"/>: up to 400 rows per file, or the first <paramref name="maxRowsPerFile"/> of
    /// them. A smaller cap keeps everything else about the case (format, files, partition, chunk and row-group sizes,
    /// the rows kept): the random draws are the same, only the rows past the cap are left out.
    /// </summary>
    public static DataPathCase Generate(int seed, int maxRowsPerFile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRowsPerFile);
        var random = new Random(seed);
        var format = (DataFormatKind)new[] { DataFormatKind.Csv, DataFormatKind.JsonLines, DataFormatKind.Parquet }[random.Next(3)];
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        var fileCount = random.Next(1, 5);
        while (paths.Count < fileCount)
        {
            paths.Add(Folders[random.Next(Folders.Length)] + Names[random.Next(Names.Length)]);
        }

        var ids = new HashSet<long>();
        var files = new List<(string, IReadOnlyList<GeneratedRow>)>();
        foreach (var path in paths)
        {
            var rows = new List<GeneratedRow>();
            var count = random.Next(4) == 0 ? random.Next(0, 3) : random.Next(1, 400);
            for (var r = 0; r < count; r++)
            {
                long id;
                do
                {
                    id = random.Next(3) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : random.Next(-1000, 1_000_000);
                }
                while (!ids.Add(id));

                rows.Add(new GeneratedRow(id, Float(random), Double(random), random.Next(int.MinValue, int.MaxValue), Text(random)));
            }

            if (rows.Count > maxRowsPerFile)
            {
                rows.RemoveRange(maxRowsPerFile, rows.Count - maxRowsPerFile);
            }

            files.Add((path + (format.Name switch { "Csv" => ".csv", "JsonLines" => ".jsonl", _ => ".parquet" }), rows));
        }

        return new DataPathCase(
            seed, format, files,
            partitionBytes: new[] { 1024L, 3000, 1 << 20 }[random.Next(3)],
            chunkRows: new[] { 1, 3, 64, 8192 }[random.Next(4)],
            rowGroupRows: new[] { 1, 7, 100, 10_000 }[random.Next(4)],
            crlf: random.Next(2) == 0);
    }

    /// <summary>The case of <paramref name="seed"/>, with up to 400 rows per file.</summary>
    public static DataPathCase Generate(int seed) => Generate(seed, int.MaxValue);

    /// <summary>Writes the files under <paramref name="directory"/>: CSV quoted as Python's csv writer does, JSON by System.Text.Json, Parquet by Apache Arrow's writer.</summary>
    public void Write(string directory)
    {
        foreach (var (path, rows) in Files)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            switch (Format.Name)
            {
                case "Csv":
                    File.WriteAllText(full, Csv(rows), new UTF8Encoding(false));
                    break;
                case "JsonLines":
                    File.WriteAllText(full, string.Concat(rows.Select(r => Json(r) + "\n")), new UTF8Encoding(false));
                    break;
                default:
                    ReferenceReaders.WriteParquet(full, rows, RowGroupRows);
                    break;
            }
        }
    }

    private string Csv(IReadOnlyList<GeneratedRow> rows)
    {
        var newline = UseCrlf ? "\r\n" : "\n";
        var text = new StringBuilder("id,f,d,n,s").Append(newline);
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row.Id},{row.F.ToString("R", CultureInfo.InvariantCulture)},{row.D.ToString("R", CultureInfo.InvariantCulture)},{row.N},")
                .Append(CsvField(row.S)).Append(newline);
        }

        return text.ToString();
    }

    // As Python's csv.writer with its defaults (QUOTE_MINIMAL): quoted when holding the separator, a quote or a line break.
    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    // Unescaped UTF-8 text, so that the source's own decoding of multi-byte characters is exercised.
    private static readonly JsonSerializerOptions RawUtf8 = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(GeneratedRow row) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["s"] = row.S, ["id"] = row.Id, ["f"] = row.F, ["d"] = row.D, ["n"] = row.N }, RawUtf8);

    private static float Float(Random random) => random.Next(6) switch
    {
        0 => 0f,
        1 => -0f,
        2 => random.Next(2) == 0 ? float.MaxValue : float.Epsilon,
        _ => (float)((random.NextDouble() * 2) - 1) * MathF.Pow(10, random.Next(-30, 30)),
    };

    private static double Double(Random random) => random.Next(6) switch
    {
        0 => 0d,
        1 => -0d,
        2 => random.Next(2) == 0 ? double.MaxValue : double.Epsilon,
        _ => ((random.NextDouble() * 2) - 1) * Math.Pow(10, random.Next(-300, 300)),
    };

    private static string Text(Random random)
    {
        var pieces = random.Next(0, 4);
        var text = new StringBuilder();
        for (var i = 0; i < pieces; i++)
        {
            text.Append(TextPieces[random.Next(TextPieces.Length)]);
        }

        return text.ToString();
    }
}
