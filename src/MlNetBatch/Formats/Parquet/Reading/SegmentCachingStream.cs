using System.Buffers;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Serves Arrow's small reads of a remote object from larger segments: the rest of the column chunk being read (up
/// to a limit), fetched in one ranged request into pooled memory, and kept while that column is read.
/// </summary>
/// <remarks>
/// Arrow reads each column chunk through a small buffer and visits the columns in turn. Passed straight to a ranged
/// stream, which keeps one block, every column's next read would fetch a block again. Letting Arrow read whole
/// chunks instead would cost a new managed array per chunk in ParquetSharp (on the large-object heap), so a streaming
/// job's memory would grow with garbage; these segments are pooled. ParquetSharp does not say where a chunk starts,
/// so a column's first read tells: Arrow starts every chunk at its first page.
/// </remarks>
internal sealed class SegmentCachingStream(Stream inner, int segmentBytes) : ReadOnlyStream
{
    // Most recently used last.
    private readonly List<Segment> _segments = [];
    private readonly long _length = inner.Length;

    // Where the chunks of the current row group's columns lie, learnt from each column's first read.
    private readonly Dictionary<int, (long Start, long End)> _chunks = [];
    private int _capacity = 2;
    private long _position;
    private int _column = -1;
    private long _columnBytes;

    /// <summary>The most segments kept; a reader of n columns wants n + 1 (the footer, or a column crossing into the next segment).</summary>
    public int Capacity
    {
        get => _capacity;
        set
        {
            _capacity = Math.Max(2, value);
            while (_segments.Count > _capacity)
            {
                Evict();
            }
        }
    }

    /// <summary>Forgets where the previous row group's chunks lay.</summary>
    public void BeginRowGroup()
    {
        _chunks.Clear();
        _column = -1;
    }

    /// <summary>Says that the reads which follow are of <paramref name="column"/>, whose chunk holds <paramref name="chunkBytes"/>.</summary>
    public void BeginColumn(int column, long chunkBytes)
    {
        _column = column;
        _columnBytes = chunkBytes;
    }

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override long Length => _length;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        var total = 0;
        while (count > 0 && _position < _length)
        {
            var segment = Find(_position) ?? Load(_position, count);
            var start = (int)(_position - segment.Offset);
            var take = Math.Min(count, segment.Count - start);
            Buffer.BlockCopy(segment.Data, start, buffer, offset, take);
            offset += take;
            count -= take;
            total += take;
            _position += take;
        }

        return total;
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            while (_segments.Count > 0)
            {
                Evict();
            }

            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private Segment? Find(long position)
    {
        for (var i = _segments.Count - 1; i >= 0; i--)
        {
            var segment = _segments[i];
            if (position >= segment.Offset && position < segment.Offset + segment.Count)
            {
                if (i != _segments.Count - 1)
                {
                    _segments.RemoveAt(i);
                    _segments.Add(segment);
                }

                return segment;
            }
        }

        return null;
    }

    private Segment Load(long position, int wanted)
    {
        while (_segments.Count >= _capacity)
        {
            Evict();
        }

        // Within a column chunk: the rest of it, up to the limit. Elsewhere (the footer): what was asked.
        var end = position + wanted;
        if (_column >= 0)
        {
            if (!_chunks.TryGetValue(_column, out var chunk))
            {
                _chunks[_column] = chunk = (position, position + _columnBytes);
            }

            if (position >= chunk.Start && position < chunk.End)
            {
                end = Math.Max(end, Math.Min(chunk.End, position + segmentBytes));
            }
        }

        var count = (int)(Math.Min(end, _length) - position);
        var data = ArrayPool<byte>.Shared.Rent(count);
        try
        {
            inner.Position = position;
            inner.ReadExactly(data, 0, count);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(data);
            throw;
        }

        var segment = new Segment(position, data, count);
        _segments.Add(segment);
        return segment;
    }

    private void Evict()
    {
        ArrayPool<byte>.Shared.Return(_segments[0].Data);
        _segments.RemoveAt(0);
    }

    private sealed record Segment(long Offset, byte[] Data, int Count);
}
