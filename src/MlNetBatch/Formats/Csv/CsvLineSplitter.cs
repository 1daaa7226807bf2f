namespace MlNetBatch.Formats.Csv;

/// <summary>
/// Splits one CSV line into fields (RFC 4180 quoting within a line), reusing its buffers between lines.
/// Quoted fields lose their quotes; doubled quotes inside them are unescaped into a scratch buffer.
/// </summary>
internal sealed class CsvLineSplitter(byte separator)
{
    private (int Start, int Length, bool Escaped)[] _fields = new (int, int, bool)[64];
    private byte[] _scratch = new byte[256];

    /// <summary>The number of fields found by the last <see cref="Split"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Splits <paramref name="line"/>; returns false when a quote is left open.</summary>
    public bool Split(ReadOnlySpan<byte> line)
    {
        Count = 0;
        var position = 0;
        while (true)
        {
            if (Count == _fields.Length)
            {
                Array.Resize(ref _fields, _fields.Length * 2);
            }

            if (position < line.Length && line[position] == (byte)'"')
            {
                var start = position + 1;
                var escaped = false;
                var end = start;
                while (true)
                {
                    var quote = line[end..].IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        return false;
                    }

                    end += quote;
                    if (end + 1 < line.Length && line[end + 1] == (byte)'"')
                    {
                        escaped = true;
                        end += 2;
                        continue;
                    }

                    break;
                }

                _fields[Count++] = (start, end - start, escaped);
                position = end + 1;
                if (position >= line.Length)
                {
                    return true;
                }

                if (line[position] != separator)
                {
                    return false;
                }

                position++;
                continue;
            }

            var next = line[position..].IndexOf(separator);
            if (next < 0)
            {
                _fields[Count++] = (position, line.Length - position, false);
                return true;
            }

            _fields[Count++] = (position, next, false);
            position += next + 1;
        }
    }

    /// <summary>The text of field <paramref name="index"/> of <paramref name="line"/>, unescaped.</summary>
    public ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, int index)
    {
        var (start, length, escaped) = _fields[index];
        var raw = line.Slice(start, length);
        if (!escaped)
        {
            return raw;
        }

        if (_scratch.Length < raw.Length)
        {
            _scratch = new byte[raw.Length * 2];
        }

        var written = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            _scratch[written++] = raw[i];
            if (raw[i] == (byte)'"')
            {
                i++;
            }
        }

        return _scratch.AsSpan(0, written);
    }
}
