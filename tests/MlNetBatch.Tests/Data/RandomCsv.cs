using System.Text;

namespace MlNetBatch.Tests.Data;

/// <summary>
/// Seeded random CSV of the kinds that break record splitting: quoted separators, doubled quotes, LF, CR LF and CR
/// inside quotes, lines inside quotes that look like data rows, fields longer than a partition, blank lines, empty
/// fields, Unicode, all three line endings. Each record's byte range is kept, to check where partitions start.
/// </summary>
internal sealed class RandomCsv
{
    private static readonly string[] Words = ["a", "id", "x1", "foo bar", "0.25", "-17", "1e5", "été", "数据", "🙂ok", " padded ", "a\"b", "NaN"];
    private readonly Random _random;
    private readonly StringBuilder _text = new();
    private int _bytes;

    private RandomCsv(int seed) => _random = new Random(seed);

    /// <summary>The file's text.</summary>
    public string Text => _text.ToString();

    /// <summary>The header's column names, as a reader should unescape them.</summary>
    public string[] Header { get; private set; } = [];

    /// <summary>Each record's first byte and the byte where its line break starts (or the file ends).</summary>
    public List<(int Start, int End)> Records { get; } = [];

    public static RandomCsv Generate(int seed, int rows)
    {
        var csv = new RandomCsv(seed);
        var columns = csv._random.Next(1, 7);
        csv.Header = Enumerable.Range(0, columns).Select(i => (i % 4) switch { 0 => $"c{i}", 1 => $"c,{i}", 2 => $"c\"{i}", _ => $"c\n{i}" }).ToArray();
        csv.Append(string.Join(',', csv.Header.Select(Quote)));
        csv.Append("\n");
        for (var r = 0; r < rows; r++)
        {
            if (csv._random.Next(20) == 0)
            {
                csv.Append("\n");
            }

            var start = csv._bytes;
            csv.Append(string.Join(',', Enumerable.Range(0, columns).Select(_ => csv.Field())));
            csv.Records.Add((start, csv._bytes));
            if (r < rows - 1 || csv._random.Next(5) > 0)
            {
                csv.Append(csv._random.Next(10) switch { < 6 => "\n", < 9 => "\r\n", _ => "\r" });
            }
        }

        return csv;
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"") + "\"";

    private string Field() => _random.Next(14) switch
    {
        0 => string.Empty,
        1 => Word(),
        2 => (_random.NextDouble() * 2000 - 1000).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        3 => Quote($"{Word()},{Word()}"),
        4 => Quote($"say \"{Word()}\""),
        5 => Quote($"{Word()}\n{Word()}"),
        6 => Quote($"{Word()}\r\n{Word()}\r\n"),
        7 => Quote($"x\n777,0.1,{Word()}\n778,\"q\",z\r\n"),
        8 => "\"\"",
        9 => Quote($"{Word()}\r{Word()}"),
        10 => Quote(string.Concat(Enumerable.Range(0, _random.Next(100, 400)).Select(i => $"{i},line {Word()}\n"))),
        11 => Quote($"\n{Word()}\n"),
        12 => Quote(Word()),
        _ => Word(),
    };

    private string Word() => Words[_random.Next(Words.Length)];

    private void Append(string text)
    {
        _text.Append(text);
        _bytes += Encoding.UTF8.GetByteCount(text);
    }
}
