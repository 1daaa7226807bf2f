namespace MlNetBatch.Formats.Csv;

/// <summary>
/// Decides where CSV fields and records end. It follows Python csv's default dialect ("excel", strict=False):
/// a quote opens a quoted field only as the field's first byte; inside a quoted field a doubled quote is a literal
/// quote, and separators and line breaks are data; a quote anywhere else is a literal byte, and text after a
/// closing quote stays part of the field (for finding where fields and records end; the record reader then rejects
/// such a field as malformed rather than guess). Outside quotes LF, CR LF and a lone CR end the record.
/// </summary>
/// <remarks>
/// The partition planner and the record reader both step this one machine, so a split point the planner picks is
/// a record start for the reader. Keep every decision about record ends here. It is a struct stepped with a span
/// and searches with vectorized IndexOfAny, so scanning costs no call per byte.
/// </remarks>
internal struct CsvRecordScanner(byte separator)
{
    private State _state;

    private enum State : byte
    {
        RecordStart,
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }

    /// <summary>Whether the scanner is inside a quoted field, so the data must not end here.</summary>
    public readonly bool InQuotedField => _state == State.Quoted;

    /// <summary>Whether the scanner is between records (no byte of a record seen yet).</summary>
    public readonly bool AtRecordStart => _state == State.RecordStart;

    /// <summary>Forgets any record in progress: the next byte starts a record.</summary>
    public void Reset() => _state = State.RecordStart;

    /// <summary>Scans <paramref name="data"/> from <paramref name="position"/> to the next field end, record end or blank line.</summary>
    public CsvToken Next(ReadOnlySpan<byte> data, ref int position)
    {
        while (position < data.Length)
        {
            switch (_state)
            {
                case State.RecordStart:
                    if (data[position] is (byte)'\n' or (byte)'\r')
                    {
                        position++;
                        return CsvToken.BlankLine;
                    }

                    goto case State.FieldStart;
                case State.FieldStart:
                    if (data[position] == (byte)'"')
                    {
                        position++;
                        _state = State.Quoted;
                        break;
                    }

                    _state = State.Unquoted;
                    goto case State.Unquoted;
                case State.Unquoted:
                    var end = data[position..].IndexOfAny(separator, (byte)'\n', (byte)'\r');
                    if (end < 0)
                    {
                        position = data.Length;
                        return CsvToken.NeedMore;
                    }

                    position += end;
                    return EndField(data[position], ref position);
                case State.Quoted:
                    var quote = data[position..].IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        position = data.Length;
                        return CsvToken.NeedMore;
                    }

                    position += quote + 1;
                    _state = State.QuoteInQuoted;
                    break;
                default:
                    var next = data[position];
                    if (next == (byte)'"')
                    {
                        // A doubled quote: a literal quote, still inside the quoted field.
                        position++;
                        _state = State.Quoted;
                        break;
                    }

                    if (next == separator || next is (byte)'\n' or (byte)'\r')
                    {
                        return EndField(next, ref position);
                    }

                    // Python keeps text after a closing quote as part of the field; quotes in it are literal.
                    _state = State.Unquoted;
                    break;
            }
        }

        return CsvToken.NeedMore;
    }

    private CsvToken EndField(byte terminator, ref int position)
    {
        position++;
        if (terminator == separator)
        {
            _state = State.FieldStart;
            return CsvToken.FieldEnd;
        }

        _state = State.RecordStart;
        return CsvToken.RecordEnd;
    }
}
