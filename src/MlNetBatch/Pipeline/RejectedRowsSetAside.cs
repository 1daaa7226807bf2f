using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline;

/// <summary>
/// Takes the rows a stage rejected out of its output block: each is reported to the bad-record sink with its file and
/// row, and the block is compacted, its row ids kept beside it. Only blocks with bad rows pay for this, with buffers of
/// their own for the input's columns, since the input's buffers are shared and must not be written.
/// </summary>
internal static class RejectedRowsSetAside
{
    /// <summary>Reports and removes <paramref name="rejected"/> from <paramref name="block"/>'s output.</summary>
    /// <exception cref="DataFormatException">There is no sink: the first rejected row fails the block.</exception>
    public static void Apply(StageBlock block, IReadOnlyList<RejectedRow> rejected, string stage, int inputColumnCount, IBadRecordSink? sink)
    {
        var output = block.Output!;
        var rows = output.RowCount;
        if (sink is null)
        {
            var first = rejected[0];
            throw new DataFormatException(first.File ?? output.Partition?.File.Location.ToString() ?? string.Empty,
                $"{stage}: {first.Reason} (set Execution:MaxBadRecords to quarantine such rows instead).", first.Column, output.FirstRowInPartition + first.Row);
        }

        // The ids are taken before the rows move: a lent block's ids come from its lender, by position.
        if (block.RowIds is null || block.RowIds.Length < rows)
        {
            block.RowIds = new DataViewRowId[rows];
            block.BatchIds = new long[rows];
        }

        if (block.IdSource is { } source)
        {
            source.CopyIds(block.Input!, 0, block.RowIds.AsSpan(0, rows), block.BatchIds.AsSpan(0, rows));
            block.IdSource = null;
        }

        var bad = new bool[rows];
        foreach (var row in rejected)
        {
            bad[row.Row] = true;
            sink.Report(new BadRecord(row.File ?? string.Empty, row.File is null ? string.Empty : output.Partition?.Id ?? string.Empty,
                (long)block.RowIds[row.Row].Low, null, row.Column, $"{stage}: {row.Reason}", null));
        }

        for (var c = 0; c < output.Columns.Length; c++)
        {
            if (output.Columns[c] is not { } column)
            {
                continue;
            }

            var target = c < inputColumnCount ? ColumnBuffer.Create(column.Type, rows) : column;
            Compact(column, target, bad);
            output.Columns[c] = target;
        }

        var kept = 0;
        for (var row = 0; row < rows; row++)
        {
            if (!bad[row])
            {
                block.RowIds[kept] = block.RowIds[row];
                block.BatchIds![kept] = block.BatchIds[row];
                kept++;
            }
        }

        output.RowCount = kept;
    }

    private static void Compact(ColumnBuffer source, ColumnBuffer target, bool[] bad)
    {
        var kept = 0;
        for (var row = 0; row < bad.Length; row++)
        {
            if (bad[row])
            {
                continue;
            }

            if (kept != row || !ReferenceEquals(source, target))
            {
                target.CopyRows(source, row, kept, 1);
            }

            kept++;
        }
    }
}
