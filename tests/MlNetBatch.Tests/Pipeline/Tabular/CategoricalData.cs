using System.Globalization;
using System.Text;
using Microsoft.ML;
using MlNetBatch.Data;

namespace MlNetBatch.Tests.Pipeline.Tabular;

/// <summary>
/// Random tabular rows for the tabular stages' tests, written as CSV and read back through MlNetBatch's own source, in
/// small chunks and partitions: categories (some missing, some outside the training set, some non-ASCII or padded with
/// spaces), floats and doubles with NaN, zeros of both signs and infinities, and ints.
/// </summary>
internal static class CategoricalData
{
    public static readonly Dictionary<string, string> Columns = new()
    {
        ["id"] = "long", ["cat"] = "string", ["num"] = "float", ["dbl"] = "double", ["cnt"] = "int",
    };

    private static readonly string[] s_known = ["cash", "card", "dispute", "no charge", "unknown", " padded ", "carte bleue é", "现金", "CARD", "x"];
    private static readonly string[] s_unseen = ["voucher", "crypto", "Cash", "card "];

    /// <summary>Writes <paramref name="rows"/> rows to <paramref name="path"/>; <paramref name="unseen"/> adds categories the training rows never hold.</summary>
    public static void Write(string path, int rows, int seed, bool unseen)
    {
        var random = new Random(seed);
        // A random subset of the categories, so vocabularies differ from seed to seed.
        var categories = s_known.Where(_ => random.NextDouble() < 0.7).DefaultIfEmpty("only").ToArray();
        var text = new StringBuilder("id,cat,num,dbl,cnt\n");
        for (var r = 0; r < rows; r++)
        {
            var cat = random.NextDouble() switch
            {
                < 0.1 => string.Empty,
                < 0.2 when unseen => s_unseen[random.Next(s_unseen.Length)],
                _ => categories[random.Next(categories.Length)],
            };
            text.Append(r).Append(',').Append(cat).Append(',')
                .Append(Number(random, r, v => ((float)v).ToString("R", CultureInfo.InvariantCulture))).Append(',')
                .Append(Number(random, r, v => v.ToString("R", CultureInfo.InvariantCulture))).Append(',')
                .Append(random.Next(-3, 12)).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
    }

    /// <summary>The file read by MlNetBatch's CSV source in chunks of <paramref name="chunkRows"/> rows and partitions of about 2 KB.</summary>
    public static PartitionedDataView Load(MLContext ml, string path, int chunkRows) =>
        ml.Data.LoadFromCsv(path, new DataSourceOptions { Columns = Columns, ChunkRows = chunkRows, PartitionBytes = 2048 });

    private static string Number(Random random, int row, Func<double, string> format) => random.NextDouble() switch
    {
        < 0.1 => string.Empty,
        < 0.13 => "0",
        < 0.15 => "-0",
        < 0.16 => row % 2 == 0 ? "Infinity" : "-Infinity",
        < 0.4 => format(random.Next(-5, 6)),
        _ => format((random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-3, 7))),
    };
}
