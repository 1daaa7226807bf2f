using System.Text;

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
}
