using System.Buffers;
using MlNetBatch.Formats.Text;

namespace MlNetBatch.Formats.Csv;

/// <summary>
/// Reads the CSV records that start in a byte range of a stream, each one whole: a record that starts in the range
/// is read to its end even past the range, so ranges cut at record starts (as <see cref="CsvPartitionPlanner"/>
/// cuts them) together read every record once. <see cref="CsvRecordScanner"/> finds the fields; buffers are reused.
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    private const int BufferBytes = 1 << 16;
    private readonly Stream _stream;
    private readonly long _end;
    private CsvRecordScanner _scanner;
    private byte[] _buffer;
    private int _length;
    private int _position;
    private long _bufferOffset;
    private bool _endOfStream;
    private int _recordStart;
    private int _recordLength;

    // Field starts are relative to the record start, so they survive the buffer moving under a long record.
    private (int Start, int Length)[] _fields = new (int, int)[64];
    private byte[] _scratch = new byte[256];

    private CsvRecordReader(Stream stream, long position, long end, byte separator)
    {
        _stream = stream;
        _end = end;
        _bufferOffset = position;
        _scanner = new CsvRecordScanner(separator);
        _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    }

    /// <summary>The file offset of the first byte of the record returned last.</summary>
    public long RecordOffset { get; private set; }

    /// <summary>The number of fields of the record returned last.</summary>
    public int FieldCount { get; private set; }

    /// <summary>
    /// Whether the record returned last ran to the end of the file inside a quoted field: its quote is never
    /// closed, so nothing after it can be told apart into records.
    /// </summary>
    public bool QuoteLeftOpen { get; private set; }

    /// <summary>The raw bytes of the record returned last, without its line break.</summary>
    public ReadOnlySpan<byte> Record => _buffer.AsSpan(_recordStart, _recordLength);

    /// <summary>
    /// Opens a reader over the records that start in <c>[start, start + length)</c>. A range that does not start
    /// at zero must start at a record start, just after a line break.
    /// </summary>
    public static CsvRecordReader Open(Stream stream, long start, long length, byte separator)
    {
        // Reading from the byte before start shows whether start follows a line break, as every record start does.
        var from = start == 0 ? 0 : start - 1;
        stream.Seek(from, SeekOrigin.Begin);
        var reader = new CsvRecordReader(stream, from, length >= long.MaxValue - start ? long.MaxValue : start + length, separator);
        reader.Fill();
        if (start == 0)
        {
            reader._position = PooledReadBuffer.ByteOrderMarkLength(reader._buffer.AsSpan(0, reader._length));
        }
        else if (reader._length > 0 && reader._buffer[0] is (byte)'\n' or (byte)'\r')
        {
            reader._position = 1;
        }
        else
        {
            reader.Dispose();
            throw new InvalidOperationException(
                $"A CSV partition must start at a record start, but byte {start} does not follow a line break; plan CSV partitions with CsvFormat.PlanAsync.");
        }

        reader._recordStart = reader._position;
        return reader;
    }

    /// <summary>Reads the next record that starts inside the range, skipping blank lines.</summary>
    public bool TryReadRecord()
    {
        _scanner.Reset();
        FieldCount = 0;
        QuoteLeftOpen = false;
        var fieldStart = _position;
        while (true)
        {
            if (_scanner.AtRecordStart)
            {
                _recordStart = fieldStart = _position;
                if (_bufferOffset + _position >= _end)
                {
                    return false;
                }
            }

            switch (_scanner.Next(_buffer.AsSpan(0, _length), ref _position))
            {
                case CsvToken.BlankLine:
                    continue;
                case CsvToken.FieldEnd:
                    AddField(fieldStart, _position - 1);
                    fieldStart = _position;
                    continue;
                case CsvToken.RecordEnd:
                    AddField(fieldStart, _position - 1);
                    return Complete(_position - 1);
            }

            if (!_endOfStream)
            {
                fieldStart -= Fill();
                continue;
            }

            if (_scanner.AtRecordStart)
            {
                return false;
            }

            // The file ends without a line break: the last field ends with it.
            QuoteLeftOpen = _scanner.InQuotedField;
            AddField(fieldStart, _length);
            return Complete(_length);
        }
    }

    /// <summary>
    /// Gets field <paramref name="index"/> of the last record: quotes removed and doubled quotes made single.
    /// Returns false for a quoted field with text after its closing quote (Python keeps that text; we call it malformed).
    /// </summary>
    /// <remarks>The value is valid until the next call.</remarks>
    public bool TryGetField(int index, out ReadOnlySpan<byte> value)
    {
        // Slots past FieldCount hold fields of earlier records.
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, FieldCount);
        var (start, length) = _fields[index];
        var raw = _buffer.AsSpan(_recordStart + start, length);
        if (raw.IsEmpty || raw[0] != (byte)'"')
        {
            value = raw;
            return true;
        }

        value = default;
        if (raw.Length < 2 || raw[^1] != (byte)'"')
        {
            return false;
        }

        var content = raw[1..^1];
        if (content.IndexOf((byte)'"') < 0)
        {
            value = content;
            return true;
        }

        return TryUnescape(content, out value);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private bool TryUnescape(ReadOnlySpan<byte> content, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (_scratch.Length < content.Length)
        {
            _scratch = new byte[Math.Max(content.Length, _scratch.Length * 2)];
        }

        var written = 0;
        while (true)
        {
            var quote = content.IndexOf((byte)'"');
            if (quote < 0)
            {
                content.CopyTo(_scratch.AsSpan(written));
                value = _scratch.AsSpan(0, written + content.Length);
                return true;
            }

            // Inside quotes every quote must be doubled; a single one closed the field early.
            if (quote + 1 >= content.Length || content[quote + 1] != (byte)'"')
            {
                return false;
            }

            content[..(quote + 1)].CopyTo(_scratch.AsSpan(written));
            written += quote + 1;
            content = content[(quote + 2)..];
        }
    }

    private void AddField(int start, int end)
    {
        if (FieldCount == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        _fields[FieldCount++] = (start - _recordStart, end - start);
    }

    private bool Complete(int end)
    {
        _recordLength = end - _recordStart;
        RecordOffset = _bufferOffset + _recordStart;
        return true;
    }

    /// <summary>Drops the bytes before the record in progress and reads more; returns how far the bytes moved.</summary>
    private int Fill()
    {
        var moved = _recordStart;
        if (moved > 0)
        {
            Buffer.BlockCopy(_buffer, moved, _buffer, 0, _length - moved);
            _length -= moved;
            _position -= moved;
            _recordStart = 0;
            _bufferOffset += moved;
        }

        // A record that fills the buffer grows it, and the larger buffer is kept for the records after it.
        var read = PooledReadBuffer.FillFreeSpace(_stream, ref _buffer, _length);
        _endOfStream = read == 0;
        _length += read;
        return moved;
    }
}
