using MlNetBatch.Data;

namespace MlNetBatch.Pipeline;

/// <summary>
/// One block in flight through a stage: the input block it maps, the output block the consumer reads (the input's
/// buffers plus pooled buffers for the stage's columns), the mapper that fills them, and the outcome.
/// </summary>
internal sealed class StageBlock : IBlockWork
{
    private readonly BlockStageCursor _owner;

    public StageBlock(BlockStageCursor owner, IBlockMapper mapper)
    {
        _owner = owner;
        Mapper = mapper;
    }

    public IBlockMapper Mapper { get; }

    /// <summary>The block read from the stage's input, while the stage holds it.</summary>
    public RecordBatch? Input { get; set; }

    /// <summary>Where the row ids of <see cref="Input"/> come from: the lending cursor, or null when <see cref="RowIds"/> hold them.</summary>
    public BlockRowCursor? IdSource { get; set; }

    /// <summary>Row ids of a block copied from a row cursor; null until such a block is copied.</summary>
    public Microsoft.ML.Data.DataViewRowId[]? RowIds { get; set; }

    /// <summary>Batch ids beside <see cref="RowIds"/>.</summary>
    public long[]? BatchIds { get; set; }

    /// <summary>The block the consumer reads, while the stage holds one.</summary>
    public RecordBatch? Output { get; set; }

    /// <summary>Set once the block is mapped (or skipped on shutdown); created set, as a block not in flight is done.</summary>
    public ManualResetEventSlim Done { get; } = new(initialState: true);

    /// <summary>What the mapper threw, handed to the consumer in place of the block.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Maps the block on the calling thread, keeping a failure for the consumer.</summary>
    public void Map()
    {
        try
        {
            Mapper.Map(Output!);
            if (Mapper is IRejectingBlockMapper { Rejected.Count: > 0 } rejecting)
            {
                _owner.SetAside(this, rejecting.Rejected);
            }
        }
        catch (Exception e)
        {
            Failure = e;
        }
    }

    /// <summary>On a pool thread: maps unless the stage is stopping, then signals the consumer.</summary>
    void IBlockWork.Run()
    {
        if (!_owner.Stopping)
        {
            Map();
        }

        Done.Set();
        _owner.Completed(this);
    }
}
