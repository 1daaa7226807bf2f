using System.Collections.Concurrent;
using MlNetBatch.Data;

namespace MlNetBatch.Pipeline;

/// <summary>
/// Maps each block on the consumer's thread when the consumer asks for it: no pool and no hand-off. A job's stages
/// run this way while it runs a partition per core, as its reading and scoring do.
/// </summary>
internal sealed class InlineBlockStageCursor(BlockStageDataView view, StageInput input, bool[] active) : BlockStageCursor(view, input, active)
{
    // Usually one block; more only while a consumer keeps lent blocks.
    private readonly ConcurrentBag<StageBlock> _free = [];

    protected override bool IsStopped => true;

    /// <summary>Whatever the input does: this stage adds no thread of its own.</summary>
    internal override bool RunsOnConsumerThread => Input.RunsOnConsumerThread;

    protected override bool TryTakeNextBatch(out RecordBatch batch)
    {
        // The input's stages subtract their own time; a wait for a background input is this stage's (blocked on input).
        var span = Diagnostics.StageClock.Begin(Meter);
        try
        {
            return TryMapNextBatch(out batch);
        }
        finally
        {
            Diagnostics.StageClock.End(span, 0);
        }
    }

    private bool TryMapNextBatch(out RecordBatch batch)
    {
        if (!_free.TryTake(out var block))
        {
            block = CreateBlock();
        }

        if (!TryFill(block))
        {
            _free.Add(block);
            batch = null!;
            return false;
        }

        block.Map();
        batch = Deliver(block);
        return true;
    }

    protected override void ReleaseBatch(RecordBatch batch)
    {
        var block = BlockOf(batch);
        Release(block);
        _free.Add(block);
    }

    protected override void StopStages()
    {
    }
}
