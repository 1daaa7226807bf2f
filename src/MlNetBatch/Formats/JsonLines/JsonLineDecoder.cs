using System.Text;
using System.Text.Json;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Data.Columns;
using MlNetBatch.Formats.Text;

namespace MlNetBatch.Formats.JsonLines;

/// <summary>Decodes JSON Lines into batches with <see cref="Utf8JsonReader"/>: no strings, no documents per line.</summary>
internal sealed class JsonLineDecoder
{
    private readonly string _file;
    private readonly PartitionReadContext _context;
    private readonly byte[][] _names;
    private readonly bool[] _seen;
    private readonly JsonValueStore _values;
    private long _skipped;

    public JsonLineDecoder(string file, PartitionReadContext context)
    {
        _file = file;
        _context = context;
        _names = context.Columns.Select(c => Encoding.UTF8.GetBytes(c.Name)).ToArray();
        _seen = new bool[context.Columns.Count];
        _values = new JsonValueStore(file, context);
    }

    public int Fill(LineReader lines, RecordBatch batch, long firstRow)
    {
        var capacity = _context.Pool.Rows;
        var rows = 0;
        while (rows < capacity && lines.TryReadLine(out var line))
        {
            if (line.IsEmpty)
            {
                continue;
            }

            var row = firstRow + rows + _skipped;
            try
            {
                DecodeLine(line, batch, rows, row);
                rows++;
            }
            catch (Exception e) when (e is JsonException or DataFormatException && _context.BadRecords is not null)
            {
                var problem = e as DataFormatException;
                var reason = problem?.Message ?? $"invalid JSON in the line at byte offset {lines.LineOffset} ({e.Message}).";
                _context.BadRecords!.Report(new BadRecord(_file, _context.Partition.Id, row, lines.LineOffset, problem?.Column, reason, BadRecord.Clip(Encoding.UTF8.GetString(line))));
                _skipped++;
            }
            catch (JsonException e)
            {
                throw new DataFormatException(_file, $"invalid JSON in the line at byte offset {lines.LineOffset} ({e.Message}).", row: row, innerException: e);
            }
        }

        batch.RowCount = rows;
        return rows;
    }

    private void DecodeLine(ReadOnlySpan<byte> line, RecordBatch batch, int slot, long row)
    {
        Array.Clear(_seen);
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new DataFormatException(_file, "the line is not a JSON object.", row: row);
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var column = FindColumn(ref reader);
            reader.Read();
            if (column < 0 || batch.Columns[column] is null)
            {
                reader.Skip();
                continue;
            }

            _seen[column] = true;
            _values.Store(ref reader, batch.Columns[column]!, slot, column, row);
        }

        // One object per line: a second value or stray text after it is not silently dropped ("{…}{…}" would lose a row).
        // The reader refuses anything but white space after the first value.
        if (reader.TokenType != JsonTokenType.EndObject || HasMore(ref reader))
        {
            throw new DataFormatException(_file, "the line holds more than one JSON value, or text after the object; JSON Lines has one object per line.", row: row);
        }

        for (var c = 0; c < _seen.Length; c++)
        {
            if (!_seen[c] && batch.Columns[c] is { } buffer)
            {
                _values.StoreMissing(buffer, slot, c, row, "the property is missing");
            }
        }
    }

    private static bool HasMore(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private int FindColumn(ref Utf8JsonReader reader)
    {
        for (var c = 0; c < _names.Length; c++)
        {
            if (reader.ValueTextEquals(_names[c]))
            {
                return c;
            }
        }

        return -1;
    }
}
