using MlNetBatch.Data;

namespace MlNetBatch.Scoring;

/// <summary>
/// Fills and scores each batch on the consumer's thread, with one slot and no hand-offs. A job uses it when it
/// already runs a partition per core: the partitions keep the cores busy, and overlapping the stages of each
/// would only add thread switches.
/// </summary>
internal sealed class SequentialScoredRowCursor : ScoredRowCursor
{
    private readonly ScoringBatch _slot;
    private readonly SlotFiller _filler;
    private readonly BatchScorer _scorer;
    private bool _done;

    public SequentialScoredRowCursor(ScoredDataView view, Microsoft.ML.DataViewRowCursor input, bool[] active)
        : base(view, input, active, slotCount: 1)
    {
        _slot = Slots.Single();
        _filler = CreateFiller();
        _scorer = CreateScorer();
    }

    protected override bool TryTakeNextBatch(out RecordBatch batch)
    {
        batch = _slot.Rows;
        while (!_done)
        {
            var rows = Fill(_filler, _slot);
            _slot.Rows.RowCount = rows;
            _done = rows < BatchRows;
            if (rows > 0)
            {
                Jobs.Observation.JobObserver.Reach(Jobs.Observation.JobPoint.DuringScoring);
                Score(_scorer, _slot);
                return true;
            }
        }

        return false;
    }

    protected override void ReleaseBatch(RecordBatch batch)
    {
    }

    protected override bool StopStages()
    {
        _scorer.Dispose();
        return true;
    }
}
