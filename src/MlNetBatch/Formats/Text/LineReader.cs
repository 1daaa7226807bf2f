using System.Buffers;

namespace MlNetBatch.Formats.Text;

/// <summary>
/// Reads the lines of a byte range of a stream without allocating per line. A line belongs to the range its
/// first byte lies in, so adjacent ranges together read every line exactly once. Used for JSON Lines, whose strings
/// cannot hold a raw line break; a CSV record can, so CSV has its own quote-aware reader (Csv/CsvRecordReader).
/// </summary>
internal sealed class LineReader : IDisposable
{
    private readonly Stream _stream;
    private readonly long _end;
    private byte[] _buffer;
    private int _start;
    private int _length;
    private long _bufferOffset;
    private bool _endOfStream;

    private LineReader(Stream stream, long position, long end)
    {
        _stream = stream;
        _end = end;
        _bufferOffset = position;
        _buffer = ArrayPool<byte>.Shared.Rent(PooledReadBuffer.InitialBytes);
    }

    /// <summary>The file offset of the line returned last.</summary>
    public long LineOffset { get; private set; }

    /// <summary>Opens a reader over the lines that start in <c>[start, start + length)</c>.</summary>
    public static LineReader Open(Stream stream, long start, long length)
    {
        if (start == 0)
        {
            stream.Seek(0, SeekOrigin.Begin);
            var whole = new LineReader(stream, 0, length);
            whole.SkipByteOrderMark();
            return whole;
        }

        // The line in progress at start-1 belongs to the previous range: resume after its newline.
        stream.Seek(start - 1, SeekOrigin.Begin);
        var reader = new LineReader(stream, start - 1, start + length);
        reader.TryReadLine(out _);
        return reader;
    }

    /// <summary>Reads the next line (without its line ending) that starts inside the range.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var lineStartOffset = _bufferOffset + _start;
            if (lineStartOffset >= _end)
            {
                line = default;
                return false;
            }

            var newline = _buffer.AsSpan(_start, _length).IndexOf((byte)'\n');
            if (newline >= 0 || (_endOfStream && _length > 0))
            {
                var lineLength = newline >= 0 ? newline : _length;
                line = _buffer.AsSpan(_start, lineLength);
                if (line.Length > 0 && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                LineOffset = lineStartOffset;
                var consumed = newline >= 0 ? lineLength + 1 : lineLength;
                _start += consumed;
                _length -= consumed;
                return true;
            }

            if (_endOfStream)
            {
                line = default;
                return false;
            }

            Fill();
        }
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private void Fill()
    {
        if (_start > 0)
        {
            // Keep the partial line, moved to the front.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _length);
            _bufferOffset += _start;
            _start = 0;
        }

        var read = PooledReadBuffer.FillFreeSpace(_stream, ref _buffer, _length);
        if (read == 0)
        {
            _endOfStream = true;
        }

        _length += read;
    }

    private void SkipByteOrderMark()
    {
        Fill();
        _start = PooledReadBuffer.ByteOrderMarkLength(_buffer.AsSpan(0, _length));
        _length -= _start;
    }
}
