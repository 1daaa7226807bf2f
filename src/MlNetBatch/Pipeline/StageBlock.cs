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

    /// <summary>
    /// For a block the mapper took rows out of (<see cref="IDropsRows"/>): the input row each output row came from.
    /// Null while the block holds every input row.
    /// </summary>
    public int[]? RowMap { get; private set; }

    // The row map's array, the set of dropped rows and the callback that follows moved rows, kept from block to block.
    private readonly HashSet<int> _dropped = [];
    private int[] _rowMap = [];
    private Action<int, int>? _moveRowMapEntry;

    /// <summary>The input row behind output row <paramref name="row"/>.</summary>
    public int InputRow(int row) => RowMap is { } map ? map[row] : row;

    /// <summary>Maps the block on the calling thread, keeping a failure for the consumer.</summary>
    public void Map()
    {
        RowMap = null;
        var span = Diagnostics.StageClock.Begin(_owner.Meter);
        try
        {
            Mapper.Map(Output!);
            if (Mapper is IDropsRows { Drops.Rows.Count: > 0 } dropping)
            {
                try
                {
                    _owner.Dropped(this, dropping.Drops);
                    Compact(dropping.Drops);
                }
                finally
                {
                    dropping.Drops.Clear();
                }
            }
        }
        catch (Exception e)
        {
            Failure = e;
        }
        finally
        {
            Diagnostics.StageClock.End(span, Failure is null ? Output!.RowCount : 0);
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

    /// <summary>Takes the dropped rows out of the output, moving the rest down, and records where each came from.</summary>
    private void Compact(BlockRowDrops drops)
    {
        var output = Output!;
        if (_rowMap.Length < output.RowCount)
        {
            _rowMap = new int[output.RowCount];
        }

        for (var i = 0; i < output.RowCount; i++)
        {
            _rowMap[i] = i;
        }

        _dropped.Clear();
        _dropped.UnionWith(drops.Rows);
        _moveRowMapEntry ??= (from, to) => _rowMap[to] = _rowMap[from];
        // The output shares the input's buffers, which the mapper must not write; moving rows within them here is
        // safe because the stage holds that input block alone until it releases it, and the input only refills it.
        output.RemoveRows(_dropped, _moveRowMapEntry);
        RowMap = _rowMap;
    }
}
