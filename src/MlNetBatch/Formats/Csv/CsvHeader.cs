using System.Text;
using MlNetBatch.Data;

namespace MlNetBatch.Formats.Csv;

/// <summary>Reads a CSV header record: the column names, trimmed.</summary>
internal static class CsvHeader
{
    /// <summary>Reads the first record of <paramref name="records"/> as names; null when the file is empty or the header malformed.</summary>
    public static string[]? TryRead(CsvRecordReader records)
    {
        if (!records.TryReadRecord() || records.QuoteLeftOpen)
        {
            return null;
        }

        var names = new string[records.FieldCount];
        for (var i = 0; i < names.Length; i++)
        {
            if (!records.TryGetField(i, out var name))
            {
                return null;
            }

            names[i] = Encoding.UTF8.GetString(name).Trim();
        }

        return names;
    }

    /// <summary>
    /// Throws when two header fields have the same name: a column is found by its name, so the second would silently
    /// read the first one's values.
    /// </summary>
    public static string[] EnsureUnique(string file, string[] names)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            if (!first.TryAdd(names[i], i))
            {
                throw new DataFormatException(file, $"the header names '{names[i]}' twice (fields {first[names[i]]} and {i}); rename one of them.", names[i]);
            }
        }

        return names;
    }
}
