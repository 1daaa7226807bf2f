using System.Text;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Formats.Text;

namespace MlNetBatch.Formats.Csv;

/// <summary>Decodes the lines of one CSV partition into batches: the per-partition state of <see cref="CsvFormat"/>.</summary>
internal sealed class CsvChunkReader(string file, PartitionReadContext context, byte separator)
{
    private readonly CsvLineSplitter _splitter = new(separator);
    private int[] _fieldOfColumn = [];
    private int _expectedFields = -1;
    private bool _headerSkipped;
    private long _skipped;

    /// <summary>Finds each active column's field index from the header, or by position when there is none.</summary>
    public void MapColumns(Stream stream)
    {
        var columns = context.Columns;
        _fieldOfColumn = new int[columns.Count];
        if (!context.Options.HasHeader)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                _fieldOfColumn[c] = c;
            }

            return;
        }

        using var lines = LineReader.Open(stream, 0, long.MaxValue);
        if (!lines.TryReadLine(out var header) || !_splitter.Split(header))
        {
            throw new DataFormatException(file, "the file is empty or its header line is malformed.");
        }

        _expectedFields = _splitter.Count;
        var names = new string[_splitter.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = Encoding.UTF8.GetString(_splitter.Field(header, i)).Trim();
        }

        for (var c = 0; c < columns.Count; c++)
        {
            _fieldOfColumn[c] = Array.IndexOf(names, columns[c].Name);
            if (_fieldOfColumn[c] < 0 && context.Active[c])
            {
                throw new DataFormatException(file, $"the header has no such column (it has: {string.Join(", ", names)}).", columns[c].Name);
            }
        }
    }

    /// <summary>Fills <paramref name="batch"/> with up to its capacity of rows; returns how many.</summary>
    public int Fill(LineReader lines, RecordBatch batch, long firstRow, bool skipHeader)
    {
        var capacity = context.Pool.Rows;
        var rows = 0;
        while (rows < capacity && lines.TryReadLine(out var line))
        {
            if (skipHeader && !_headerSkipped)
            {
                _headerSkipped = true;
                continue;
            }

            if (line.IsEmpty)
            {
                continue;
            }

            var rowNumber = firstRow + rows + _skipped;
            if (TryStoreRow(line, batch, rows, rowNumber, lines.LineOffset))
            {
                rows++;
            }
            else
            {
                _skipped++;
            }
        }

        batch.RowCount = rows;
        return rows;
    }

    /// <summary>Parses one line into slot <paramref name="slot"/>; a bad line goes to the bad-record sink (false) or fails.</summary>
    private bool TryStoreRow(ReadOnlySpan<byte> line, RecordBatch batch, int slot, long rowNumber, long offset)
    {
        if (!_splitter.Split(line))
        {
            return Reject(line, rowNumber, offset, null, $"malformed quoting in the line at byte offset {offset}.");
        }

        if (_expectedFields < 0)
        {
            _expectedFields = _splitter.Count;
        }

        if (_splitter.Count != _expectedFields)
        {
            return Reject(line, rowNumber, offset, null, $"the line at byte offset {offset} has {_splitter.Count} fields where the header has {_expectedFields}.");
        }

        for (var c = 0; c < _fieldOfColumn.Length; c++)
        {
            var buffer = batch.Columns[c];
            if (buffer is null)
            {
                continue;
            }

            var field = _splitter.Field(line, _fieldOfColumn[c]);
            if (!Utf8ValueParser.TryStore(buffer, slot, field))
            {
                return Reject(field, rowNumber, offset, context.Columns[c].Name,
                    $"cannot parse '{Encoding.UTF8.GetString(field)}' as {Utf8ValueParser.TypeName(buffer)} (line at byte offset {offset}).");
            }
        }

        return true;
    }

    private bool Reject(ReadOnlySpan<byte> value, long row, long offset, string? column, string reason)
    {
        if (context.BadRecords is not { } sink)
        {
            throw new DataFormatException(file, reason, column, row);
        }

        sink.Report(new BadRecord(file, context.Partition.Id, row, offset, column, reason, BadRecord.Clip(Encoding.UTF8.GetString(value))));
        return false;
    }
}
