using System.Globalization;
using System.Text;
using MlNetBatch.Samples.Generator;

namespace MlNetBatch.Tests.Support;

/// <summary>CSV inputs with the tabular model's columns (id, f00…f15) and a text column.</summary>
public static class CsvInputs
{
    public static async Task WriteAsync(string path, long firstId, int rows, int seed = 1)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(seed);
        var text = new StringBuilder("id,").AppendJoin(',', TabularData.FeatureColumns).Append(",note\n");
        for (var r = 0; r < rows; r++)
        {
            text.Append((firstId + r).ToString(CultureInfo.InvariantCulture));
            for (var f = 0; f < TabularData.FeatureColumns.Count; f++)
            {
                text.Append(',').Append(((float)random.NextDouble()).ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append(",note ").Append(firstId + r).Append('\n');
        }

        await File.WriteAllTextAsync(path, text.ToString());
    }

    /// <summary>The ids in a CSV sink directory's data files, read as plain text (ids are the first field).</summary>
    public static List<long> OutputIds(string directory) =>
        Directory.GetFiles(directory, "*.csv")
            .SelectMany(f => File.ReadLines(f).Skip(1))
            .Where(l => l.Length > 0)
            .Select(l => long.Parse(l[..l.IndexOf(',')], CultureInfo.InvariantCulture))
            .ToList();
}
