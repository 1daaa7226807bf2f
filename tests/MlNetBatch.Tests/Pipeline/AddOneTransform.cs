using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Pipeline;

namespace MlNetBatch.Tests.Pipeline;

/// <summary>A block stage for the engine's tests: y = x + 1 (x by default, any float column), after a random delay per block, failing on one row when asked.</summary>
internal sealed class AddOneTransform(int maxDelayMilliseconds = 0, long? failOnRow = null, string input = "x") : IBlockTransform
{
    private int _mapping;
    private int _peakMapping;

    public string Name => "AddOne";

    private int MaxDelay => maxDelayMilliseconds;

    private long? FailOnRow => failOnRow;

    public IReadOnlyList<string> InputColumns => [input];

    /// <summary>The most blocks mapped at the same time.</summary>
    public int PeakConcurrentMaps => Volatile.Read(ref _peakMapping);

    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema) =>
        inputSchema.GetColumnOrNull(input)?.Type == NumberDataViewType.Single
            ? [new BlockOutputColumn("y", NumberDataViewType.Single)]
            : throw new BlockTransformException("AddOne needs a float column 'x'.");

    public IBlockMapper CreateMapper(DataViewSchema schema) => new Mapper(this, schema[input].Index, schema["y"].Index);

    private sealed class Mapper(AddOneTransform owner, int x, int y) : IBlockMapper
    {
        public void Map(RecordBatch block)
        {
            var now = Interlocked.Increment(ref owner._mapping);
            if (now > Volatile.Read(ref owner._peakMapping))
            {
                Volatile.Write(ref owner._peakMapping, now);
            }

            try
            {
                if (owner.MaxDelay > 0)
                {
                    // Seeded by the block, so the delays differ from block to block but not from run to run.
                    Thread.Sleep(new Random((int)block.FirstRowInPartition).Next(owner.MaxDelay + 1));
                }

                if (owner.FailOnRow is { } bad && bad >= block.FirstRowInPartition && bad < block.FirstRowInPartition + block.RowCount)
                {
                    throw new InvalidOperationException($"boom at row {bad}");
                }

                var source = block.Column<ScalarColumnBuffer<float>>(x).Values;
                var target = block.Column<ScalarColumnBuffer<float>>(y).Values;
                for (var r = 0; r < block.RowCount; r++)
                {
                    target[r] = source[r] + 1;
                }
            }
            finally
            {
                Interlocked.Decrement(ref owner._mapping);
            }
        }
    }
}
