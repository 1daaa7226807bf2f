using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring;

/// <summary>
/// Fills scoring slots with the next rows of a cursor: pass-through columns are copied and the model's input
/// columns packed into the slot's tensors. Over MlNetBatch's own cursors whole blocks move in bulk; over any other
/// cursor rows move one at a time through getters.
/// </summary>
internal abstract class SlotFiller
{
    private readonly InputPacker[] _packers;
    private readonly int[] _tensorOfPacker;

    private SlotFiller(InputPacker[] packers, int[] tensorOfPacker)
    {
        _packers = packers;
        _tensorOfPacker = tensorOfPacker;
    }

    /// <summary>A filler for <paramref name="input"/> copying the <paramref name="passThrough"/> columns and packing the model's inputs.</summary>
    public static SlotFiller Create(DataViewRowCursor input, int[] passThrough, OnnxScoringModel model)
    {
        // One packer per feeding column; tensorOfPacker says which input tensor each one fills.
        var packers = new List<InputPacker>();
        var tensorOfPacker = new List<int>();
        for (var i = 0; i < model.Inputs.Count; i++)
        {
            foreach (var packer in InputPacker.Create(input, model.Inputs[i]))
            {
                packers.Add(packer);
                tensorOfPacker.Add(i);
            }
        }

        return input is BlockRowCursor blocks
            ? new BlockFiller(blocks, passThrough, [.. packers], [.. tensorOfPacker])
            : new RowFiller(input, passThrough, [.. packers], [.. tensorOfPacker]);
    }

    /// <summary>Fills the slot with up to <paramref name="capacity"/> rows; returns how many (0 at the end of the input).</summary>
    public int Fill(ScoringBatch slot, int capacity)
    {
        for (var i = 0; i < _packers.Length; i++)
        {
            _packers[i].SetTarget(slot.InputTensors[_tensorOfPacker[i]]);
        }

        return FillRows(slot, capacity, _packers);
    }

    private protected abstract int FillRows(ScoringBatch slot, int capacity, InputPacker[] packers);

    /// <summary>Row by row through getters: works over any ML.NET cursor.</summary>
    private sealed class RowFiller(DataViewRowCursor input, int[] passThrough, InputPacker[] packers, int[] tensorOfPacker)
        : SlotFiller(packers, tensorOfPacker)
    {
        private readonly ValueGetter<DataViewRowId> _ids = input.GetIdGetter();
        // Copiers are bound to a slot's buffers; build them once per slot and keep them.
        private readonly Dictionary<ScoringBatch, Action<int>[]> _copiers = new(ReferenceEqualityComparer.Instance);

        private protected override int FillRows(ScoringBatch slot, int capacity, InputPacker[] packers)
        {
            if (!_copiers.TryGetValue(slot, out var copy))
            {
                copy = passThrough.Select(c => slot.Rows.Columns[c]!.CreateCopier(input, input.Schema[c])).ToArray();
                _copiers[slot] = copy;
            }

            var rows = 0;
            while (rows < capacity && input.MoveNext())
            {
                for (var c = 0; c < copy.Length; c++)
                {
                    copy[c](rows);
                }

                for (var i = 0; i < packers.Length; i++)
                {
                    packers[i].Pack(rows);
                }

                _ids(ref slot.RowIds[rows]);
                slot.BatchIds[rows] = input.Batch;
                rows++;
            }

            return rows;
        }
    }

    /// <summary>
    /// Column by column from MlNetBatch's own cursors: whole blocks are copied and packed in bulk, with no
    /// getter call per value. A block larger than a slot is carried over to the next slot.
    /// </summary>
    private sealed class BlockFiller(BlockRowCursor input, int[] passThrough, InputPacker[] packers, int[] tensorOfPacker)
        : SlotFiller(packers, tensorOfPacker)
    {
        // 256 rows of a 16-float input are 16 KB: a tile that fits the L1 cache.
        private const int PackTileRows = 256;

        private RecordBatch? _block;
        private int _start;
        private int _remaining;

        // A job calls this a few hundred times per partition: optimized from the first call, not after tiering catches up.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private protected override int FillRows(ScoringBatch slot, int capacity, InputPacker[] packers)
        {
            var rows = 0;
            while (rows < capacity)
            {
                if (_remaining == 0)
                {
                    if (!input.TryTakeBlock(out var next, out _start, out _remaining))
                    {
                        break;
                    }

                    _block = next;
                }

                var block = _block!;
                var count = Math.Min(_remaining, capacity - rows);
                foreach (var column in passThrough)
                {
                    slot.Rows.Columns[column]!.CopyRows(block.Columns[column]!, _start, rows, count);
                }

                // Tile by tile, so the tensor rows every column scatters into stay in cache until they are complete.
                for (var tile = 0; tile < count; tile += PackTileRows)
                {
                    var tileRows = Math.Min(PackTileRows, count - tile);
                    foreach (var packer in packers)
                    {
                        packer.PackBlock(block, _start + tile, rows + tile, tileRows);
                    }
                }

                input.CopyIds(block, _start, slot.RowIds.AsSpan(rows, count), slot.BatchIds.AsSpan(rows, count));

                rows += count;
                _start += count;
                _remaining -= count;
            }

            return rows;
        }
    }
}
