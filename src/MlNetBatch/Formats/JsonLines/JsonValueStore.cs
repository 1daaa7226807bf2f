using System.Text;
using System.Text.Json;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Formats.Text;

namespace MlNetBatch.Formats.JsonLines;

/// <summary>
/// Stores one JSON value (or a null or absent one) into a column buffer slot, by the column's type and the source's
/// <c>MissingValues</c>: the value half of <see cref="JsonLineDecoder"/>. A value the column cannot hold is a
/// <see cref="DataFormatException"/> naming file, column and row.
/// </summary>
internal sealed class JsonValueStore(string file, PartitionReadContext context)
{
    private char[] _unescaped = new char[256];

    public void Store(ref Utf8JsonReader reader, ColumnBuffer buffer, int slot, int column, long row)
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
            case JsonTokenType.String when buffer is VariableVectorColumnBuffer<byte> bytes:
                StoreBase64(ref reader, bytes, slot, column, row);
                return;
            case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False when buffer is TextColumnBuffer text:
                // Inference makes a property of mixed strings and numbers a string column: keep the number's text.
                text.SetUtf8(slot, reader.ValueSpan);
                return;
            case JsonTokenType.True or JsonTokenType.False when buffer is ScalarColumnBuffer<bool> bools:
                bools.Values[slot] = reader.GetBoolean();
                return;
            case JsonTokenType.Number when buffer is not (VectorColumnBuffer<float> or VariableVectorColumnBuffer<byte>):
                var status = Utf8ValueParser.Store(buffer, slot, reader.ValueSpan, context.Options.MissingValues);
                if (status == ValueStatus.Parsed)
                {
                    return;
                }

                if (status == ValueStatus.MissingAsNaN)
                {
                    context.Statistics?.AddMissingValue();
                    return;
                }

                throw new DataFormatException(file, $"{Utf8ValueParser.Describe(status, reader.ValueSpan, buffer)}.", context.Columns[column].Name, row);
        }

        throw new DataFormatException(file,
            $"a JSON {reader.TokenType} cannot be read as {Utf8ValueParser.TypeName(buffer)}.", context.Columns[column].Name, row);
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
            throw new DataFormatException(file, $"the string holds an invalid escape or UTF-8 sequence ({e.Message}).", context.Columns[column].Name, row, e);
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
            throw new DataFormatException(file,
                $"the array holds {count} items but the column is a vector of {items.Length}.", context.Columns[column].Name, row);
        }
    }

    private float VectorItem(ref Utf8JsonReader reader, int column, long row, int index)
    {
        var name = context.Columns[column].Name;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null when context.Options.MissingValues == MissingValueHandling.NaN:
                context.Statistics?.AddMissingValue();
                return float.NaN;
            case JsonTokenType.Null:
                throw new DataFormatException(file, $"item {index} of the array is null and the source's MissingValues is BadRecord.", name, row);
            case JsonTokenType.Number:
                if (Utf8ValueParser.ParseFloat(reader.ValueSpan, out var value) == ValueStatus.Parsed)
                {
                    return value;
                }

                throw new DataFormatException(file, $"item {index} of the array, '{Encoding.UTF8.GetString(reader.ValueSpan)}', is out of range for float.", name, row);
            default:
                throw new DataFormatException(file, $"the array holds a {reader.TokenType}; vectors hold numbers.", name, row);
        }
    }

    /// <summary>A bytes column (an encoded image, say) is a base64 string in JSON: decoded into the row's reused vector.</summary>
    private void StoreBase64(ref Utf8JsonReader reader, VariableVectorColumnBuffer<byte> bytes, int slot, int column, long row)
    {
        ref var value = ref bytes.Values[slot];
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            // Rare (an encoder that writes "\/"): the reader unescapes into an array of its own.
            if (!reader.TryGetBytesFromBase64(out var decoded))
            {
                throw NotBase64(column, row);
            }

            var copy = Microsoft.ML.Data.VBufferEditor.Create(ref value, decoded.Length, keepOldOnResize: false);
            decoded.CopyTo(copy.Values);
            value = copy.Commit();
            return;
        }

        var utf8 = reader.ValueSpan;
        // The exact length up front, so the row's vector is sized once: 3 bytes per 4 characters, less the padding.
        var padding = utf8.EndsWith("=="u8) ? 2 : utf8.EndsWith("="u8) ? 1 : 0;
        var length = utf8.Length % 4 == 0 ? ((utf8.Length / 4) * 3) - padding : -1;
        if (length < 0)
        {
            throw NotBase64(column, row);
        }

        var editor = Microsoft.ML.Data.VBufferEditor.Create(ref value, length, keepOldOnResize: false);
        if (System.Buffers.Text.Base64.DecodeFromUtf8(utf8, editor.Values, out _, out var written) != System.Buffers.OperationStatus.Done || written != length)
        {
            throw NotBase64(column, row);
        }

        value = editor.Commit();
    }

    private DataFormatException NotBase64(int column, long row) =>
        new(file, "the string is not base64, which a bytes column reads.", context.Columns[column].Name, row);

    /// <summary>Stores a null or absent value: NaN or empty text where the column and the source's MissingValues allow it.</summary>
    public void StoreMissing(ColumnBuffer buffer, int slot, int column, long row, string why)
    {
        if (buffer is TextColumnBuffer text)
        {
            text.Values[slot] = ReadOnlyMemory<char>.Empty;
            return;
        }

        if (buffer is VariableVectorColumnBuffer<byte> bytes)
        {
            // Like a null in a binary Parquet column: no bytes.
            bytes.Values[slot] = Microsoft.ML.Data.VBufferEditor.Create(ref bytes.Values[slot], 0).Commit();
            return;
        }

        var holdsNaN = buffer is ScalarColumnBuffer<float> or ScalarColumnBuffer<double> or VectorColumnBuffer<float>;
        if (!holdsNaN)
        {
            throw new DataFormatException(file,
                $"{why}; only float, double, string and float-vector columns can hold missing values.", context.Columns[column].Name, row);
        }

        if (context.Options.MissingValues == MissingValueHandling.BadRecord)
        {
            throw new DataFormatException(file, $"{why} and the source's MissingValues is BadRecord.", context.Columns[column].Name, row);
        }

        context.Statistics?.AddMissingValue();
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
