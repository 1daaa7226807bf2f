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
    private char[] _unescaped = new char[256];
    private long _skipped;

    public JsonLineDecoder(string file, PartitionReadContext context)
    {
        _file = file;
        _context = context;
        _names = context.Columns.Select(c => Encoding.UTF8.GetBytes(c.Name)).ToArray();
        _seen = new bool[context.Columns.Count];
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
            Store(ref reader, batch.Columns[column]!, slot, column, row);
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
                StoreMissing(buffer, slot, c, row, "the property is missing");
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

    private void Store(ref Utf8JsonReader reader, ColumnBuffer buffer, int slot, int column, long row)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                StoreMissing(buffer, slot, column, row, "the value is null");
                return;
            case JsonTokenType.StartArray when buffer is VectorColumnBuffer<float> floats:
                StoreVector(ref reader, floats, slot, column, row);
                return;
            case JsonTokenType.String when buffer is TextColumnBuffer text:
                StoreText(ref reader, text, slot, column, row);
                return;
            case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False when buffer is TextColumnBuffer text:
                // Inference makes a property of mixed strings and numbers a string column: keep the number's text.
                text.SetUtf8(slot, reader.ValueSpan);
                return;
            case JsonTokenType.True or JsonTokenType.False when buffer is ScalarColumnBuffer<bool> bools:
                bools.Values[slot] = reader.GetBoolean();
                return;
            case JsonTokenType.Number when buffer is not VectorColumnBuffer<float>:
                var status = Utf8ValueParser.Store(buffer, slot, reader.ValueSpan, _context.Options.MissingValues);
                if (status == ValueStatus.Parsed)
                {
                    return;
                }

                if (status == ValueStatus.MissingAsNaN)
                {
                    _context.Statistics?.AddMissingValue();
                    return;
                }

                throw new DataFormatException(_file, $"{Utf8ValueParser.Describe(status, reader.ValueSpan, buffer)}.", _context.Columns[column].Name, row);
        }

        throw new DataFormatException(_file,
            $"a JSON {reader.TokenType} cannot be read as {Utf8ValueParser.TypeName(buffer)}.", _context.Columns[column].Name, row);
    }

    private void StoreText(ref Utf8JsonReader reader, TextColumnBuffer text, int slot, int column, long row)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            text.SetUtf8(slot, reader.ValueSpan);
            return;
        }

        // Escapes (\u00e9, \n…) must be decoded; the unescaped text is never longer than its escaped bytes.
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_unescaped.Length < length)
        {
            _unescaped = new char[Math.Max(length, _unescaped.Length * 2)];
        }

        int written;
        try
        {
            written = reader.CopyString(_unescaped);
        }
        catch (InvalidOperationException e)
        {
            // The reader checks escapes only when it decodes them: "\ud800" alone, or invalid UTF-8 behind an escape.
            throw new DataFormatException(_file, $"the string holds an invalid escape or UTF-8 sequence ({e.Message}).", _context.Columns[column].Name, row, e);
        }

        text.Set(slot, _unescaped.AsMemory(0, written));
    }

    private void StoreVector(ref Utf8JsonReader reader, VectorColumnBuffer<float> buffer, int slot, int column, long row)
    {
        var items = buffer.Row(slot);
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count < items.Length)
            {
                items[count] = VectorItem(ref reader, column, row, count);
            }

            count++;
        }

        if (count != items.Length)
        {
            throw new DataFormatException(_file,
                $"the array holds {count} items but the column is a vector of {items.Length}.", _context.Columns[column].Name, row);
        }
    }

    private float VectorItem(ref Utf8JsonReader reader, int column, long row, int index)
    {
        var name = _context.Columns[column].Name;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null when _context.Options.MissingValues == MissingValueHandling.NaN:
                _context.Statistics?.AddMissingValue();
                return float.NaN;
            case JsonTokenType.Null:
                throw new DataFormatException(_file, $"item {index} of the array is null and the source's MissingValues is BadRecord.", name, row);
            case JsonTokenType.Number:
                if (Utf8ValueParser.ParseFloat(reader.ValueSpan, out var value) == ValueStatus.Parsed)
                {
                    return value;
                }

                throw new DataFormatException(_file, $"item {index} of the array, '{Encoding.UTF8.GetString(reader.ValueSpan)}', is out of range for float.", name, row);
            default:
                throw new DataFormatException(_file, $"the array holds a {reader.TokenType}; vectors hold numbers.", name, row);
        }
    }

    /// <summary>Stores a null or absent value: NaN or empty text where the column and the source's MissingValues allow it.</summary>
    private void StoreMissing(ColumnBuffer buffer, int slot, int column, long row, string why)
    {
        if (buffer is TextColumnBuffer text)
        {
            text.Values[slot] = ReadOnlyMemory<char>.Empty;
            return;
        }

        var holdsNaN = buffer is ScalarColumnBuffer<float> or ScalarColumnBuffer<double> or VectorColumnBuffer<float>;
        if (!holdsNaN)
        {
            throw new DataFormatException(_file,
                $"{why}; only float, double, string and float-vector columns can hold missing values.", _context.Columns[column].Name, row);
        }

        if (_context.Options.MissingValues == MissingValueHandling.BadRecord)
        {
            throw new DataFormatException(_file, $"{why} and the source's MissingValues is BadRecord.", _context.Columns[column].Name, row);
        }

        _context.Statistics?.AddMissingValue();
        switch (buffer)
        {
            case ScalarColumnBuffer<float> floats:
                floats.Values[slot] = float.NaN;
                return;
            case ScalarColumnBuffer<double> doubles:
                doubles.Values[slot] = double.NaN;
                return;
            case VectorColumnBuffer<float> vector:
                vector.Row(slot).Fill(float.NaN);
                return;
        }
    }
}
