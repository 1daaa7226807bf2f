using System.Text;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Formats.Text;

namespace MlNetBatch.Formats.Csv;

/// <summary>Decodes the records of one CSV partition into batches: the per-partition state of <see cref="CsvFormat"/>.</summary>
internal sealed class CsvChunkReader(string file, PartitionReadContext context, byte separator)
{
    private int[] _fieldOfColumn = [];
    private int _expectedFields;
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

            // Without a header the schema names the fields by position, so it says how many a record has: the
            // first record of a partition could itself be ragged and would otherwise set the rule for the rest.
            _expectedFields = columns.Count;
            return;
        }

        using var records = CsvRecordReader.Open(stream, 0, long.MaxValue, separator);
        var names = CsvHeader.EnsureUnique(file, CsvHeader.TryRead(records) ?? throw new DataFormatException(file, "the file is empty or its header is malformed."));
        _expectedFields = names.Length;
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
    public int Fill(CsvRecordReader records, RecordBatch batch, long firstRow, bool skipHeader)
    {
        var capacity = context.Pool.Rows;
        var rows = 0;
        while (rows < capacity && records.TryReadRecord())
        {
            if (skipHeader && !_headerSkipped)
            {
                _headerSkipped = true;
                continue;
            }

            var rowNumber = firstRow + rows + _skipped;
            if (records.QuoteLeftOpen)
            {
                // Not a bad record to skip: every record after the open quote is swallowed by it, so rows would vanish.
                throw new DataFormatException(file,
                    $"a quoted field in the record at byte offset {records.RecordOffset} is never closed, so the rest of the file cannot be read as records.", row: rowNumber);
            }

            if (TryStoreRow(records, batch, rows, rowNumber))
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

    /// <summary>Parses one record into slot <paramref name="slot"/>; a bad record goes to the bad-record sink (false) or fails.</summary>
    private bool TryStoreRow(CsvRecordReader records, RecordBatch batch, int slot, long rowNumber)
    {
        var offset = records.RecordOffset;
        if (records.FieldCount != _expectedFields)
        {
            return Reject(records.Record, rowNumber, offset, null,
                $"the record at byte offset {offset} has {records.FieldCount} fields where the {(context.Options.HasHeader ? "header" : "schema")} has {_expectedFields}.");
        }

        for (var c = 0; c < _fieldOfColumn.Length; c++)
        {
            var buffer = batch.Columns[c];
            if (buffer is null)
            {
                continue;
            }

            if (!records.TryGetField(_fieldOfColumn[c], out var field))
            {
                return Reject(records.Record, rowNumber, offset, context.Columns[c].Name,
                    $"malformed quoting: text follows the closing quote of the field (record at byte offset {offset}).");
            }

            var status = Utf8ValueParser.Store(buffer, slot, field, context.Options.MissingValues);
            if (status == ValueStatus.MissingAsNaN)
            {
                context.Statistics?.AddMissingValue();
            }
            else if (status != ValueStatus.Parsed)
            {
                return Reject(field, rowNumber, offset, context.Columns[c].Name,
                    $"{Utf8ValueParser.Describe(status, field, buffer)} (record at byte offset {offset}).");
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
