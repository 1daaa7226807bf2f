using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Scoring;

/// <summary>
/// Finds the rows a failing batch fails on, by scoring halves of it down to single rows, and sets them aside: each is
/// reported to the bad-record sink and removed from the slot. Only for data errors; running out of memory is the
/// scorer's to handle (it halves the batch) and never reaches here as a bad row.
/// </summary>
internal sealed class BadRowIsolator(string modelName, IBadRecordSink badRecords)
{
    /// <summary>
    /// Scores rows <c>[start, start + count)</c> of a batch that failed with <paramref name="reason"/> half by half
    /// through <paramref name="run"/>; the rows that score get their outputs, the others are added to <paramref name="failed"/>.
    /// </summary>
    public void Isolate(ScoringBatch slot, int start, int count, string reason, Action<ScoringBatch, int, int> run, List<(int Row, string Reason)> failed)
    {
        if (count == 1)
        {
            failed.Add((start, reason));
            return;
        }

        var half = count / 2;
        Half(slot, start, half, run, failed);
        Half(slot, start + half, count - half, run, failed);
    }

    /// <summary>Reports each failed row to the bad-record sink and drops it from the slot; row ids and batch ids move with their rows.</summary>
    public void SetAside(ScoringBatch slot, List<(int Row, string Reason)> failed)
    {
        var rows = new HashSet<int>();
        foreach (var (row, reason) in failed)
        {
            var id = slot.RowIds[row];
            badRecords.Report(new BadRecord(string.Empty, string.Empty, (long)id.Low, null, null, $"model '{modelName}' failed on this row: {reason}", null));
            rows.Add(row);
        }

        slot.Rows.RemoveRows(rows, (from, to) =>
        {
            slot.RowIds[to] = slot.RowIds[from];
            slot.BatchIds[to] = slot.BatchIds[from];
        });
    }

    private void Half(ScoringBatch slot, int start, int count, Action<ScoringBatch, int, int> run, List<(int Row, string Reason)> failed)
    {
        try
        {
            run(slot, start, count);
        }
        catch (OnnxRuntimeException e)
        {
            Isolate(slot, start, count, e.Message, run, failed);
        }
    }
}
