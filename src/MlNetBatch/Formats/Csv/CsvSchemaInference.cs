using MlNetBatch.Data;
using MlNetBatch.Formats.Text;

namespace MlNetBatch.Formats.Csv;

/// <summary>
/// Infers a CSV file's columns from its header and a sample of its records. Records that cannot be read (malformed
/// quoting, a field count other than the header's) are skipped, as they will be bad records; they count toward the sample.
/// </summary>
internal static class CsvSchemaInference
{
    public static IReadOnlyList<SourceColumn> Infer(Stream stream, string file, long size, DataSourceOptions options, byte separator)
    {
        using var records = CsvRecordReader.Open(stream, 0, size, separator);
        string[]? names = null;
        if (options.HasHeader)
        {
            names = CsvHeader.EnsureUnique(file, CsvHeader.TryRead(records) ?? throw new DataFormatException(file,
                "the file is empty or its header is malformed; a CSV source needs a header (or HasHeader = false and explicit Columns)."));
        }

        // Without a header, the field count most sampled records share decides the columns.
        var candidates = new Dictionary<int, (TextTypeInference[] Columns, int Records)>();
        for (long row = 0; row < options.InferenceSampleRows && records.TryReadRecord(); row++)
        {
            var count = records.FieldCount;
            if (records.QuoteLeftOpen || (names is not null && count != names.Length) || !AllFieldsReadable(records))
            {
                continue;
            }

            if (!candidates.TryGetValue(count, out var candidate))
            {
                candidate = (Enumerable.Range(0, count).Select(_ => new TextTypeInference()).ToArray(), 0);
            }

            for (var i = 0; i < count; i++)
            {
                records.TryGetField(i, out var value);
                candidate.Columns[i].Observe(value, row, records.RecordOffset);
            }

            candidates[count] = (candidate.Columns, candidate.Records + 1);
        }

        if (names is not null)
        {
            var columns = candidates.TryGetValue(names.Length, out var sampled) ? sampled.Columns : null;
            return names.Select((name, i) => columns?[i].Result(name) ?? new TextTypeInference().Result(name)).ToList();
        }

        var best = candidates.Values.OrderByDescending(c => c.Records).ThenByDescending(c => c.Columns.Length).FirstOrDefault();
        return best.Columns is null ? [] : best.Columns.Select((column, i) => column.Result($"Column{i}")).ToList();
    }

    private static bool AllFieldsReadable(CsvRecordReader records)
    {
        for (var i = 0; i < records.FieldCount; i++)
        {
            if (!records.TryGetField(i, out _))
            {
                return false;
            }
        }

        return true;
    }
}
