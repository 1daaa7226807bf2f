using System.Buffers;
using MlNetBatch.Data;
using MlNetBatch.Formats.Text;

namespace MlNetBatch.Formats.Csv;

/// <summary>
/// Cuts a CSV file into byte ranges that start at record starts. A line break inside a quoted field is not a record
/// start, and only a scan from the file's first byte can tell the two apart, so the file is scanned once, with the
/// same <see cref="CsvRecordScanner"/> the reader uses, and every nominal split point (a multiple of the partition
/// size) moves to the first record start at or after it.
/// </summary>
internal static class CsvPartitionPlanner
{
    // Large reads keep a remote store streaming; the scan itself runs at memory speed (vectorized searches).
    private const int ScanBufferBytes = 1 << 20;

    /// <summary>Scans <paramref name="stream"/> from its first byte and returns ranges that start at record starts.</summary>
    public static async Task<IReadOnlyList<PartitionSpan>> PlanAsync(
        Stream stream, long fileSize, long partitionBytes, byte separator, CancellationToken cancellationToken)
    {
        var starts = new List<long> { 0 };
        var scan = new Scan(new CsvRecordScanner(separator), partitionBytes, fileSize);
        var buffer = ArrayPool<byte>.Shared.Rent(ScanBufferBytes);
        try
        {
            stream.Seek(0, SeekOrigin.Begin);
            long offset = 0;
            var first = true;
            while (true)
            {
                var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, ScanBufferBytes), 3, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                // The reader skips a byte order mark, so the scan must too: a quote right after it opens a field.
                var skip = first ? PooledReadBuffer.ByteOrderMarkLength(buffer.AsSpan(0, read)) : 0;
                first = false;
                scan.Run(buffer.AsSpan(skip, read - skip), offset + skip, starts);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var spans = new List<PartitionSpan>(starts.Count);
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : fileSize;
            spans.Add(new PartitionSpan(PartitionKind.ByteRange, starts[i], end - starts[i], RowCount: null));
        }

        return spans;
    }

    /// <summary>The scan's state between reads: the scanner and the next nominal split point.</summary>
    private sealed class Scan(CsvRecordScanner scanner, long partitionBytes, long fileSize)
    {
        private CsvRecordScanner _scanner = scanner;
        private readonly long _partitionBytes = partitionBytes;
        private long _nextSplit = partitionBytes;

        /// <summary>Scans <paramref name="data"/> (at file offset <paramref name="offset"/>), adding the record starts that become split points.</summary>
        public void Run(ReadOnlySpan<byte> data, long offset, List<long> starts)
        {
            var position = 0;
            while (true)
            {
                var token = _scanner.Next(data, ref position);
                if (token == CsvToken.NeedMore)
                {
                    return;
                }

                // After a record's line break (or a blank line) a record may start; the end of the file starts none.
                var boundary = offset + position;
                if (token != CsvToken.FieldEnd && boundary >= _nextSplit && boundary < fileSize)
                {
                    starts.Add(boundary);

                    // A record longer than a partition may pass several nominal splits: they all move to this start.
                    _nextSplit = ((boundary / _partitionBytes) + 1) * _partitionBytes;
                }
            }
        }
    }
}
