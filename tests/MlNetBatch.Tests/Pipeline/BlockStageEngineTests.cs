using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Pipeline;
using MlNetBatch.Samples.Generator;

namespace MlNetBatch.Tests.Pipeline;

public class BlockStageEngineTests
{
    private static readonly MLContext Ml = new(seed: 1);

    [Fact]
    public void Rows_come_out_in_input_order_when_blocks_finish_out_of_order()
    {
        var source = new GeneratedBlocks(blocks: 150, maxRows: 97, seed: 3);
        var stage = new AddOneTransform(maxDelayMilliseconds: 4);
        var view = Ml.Transforms.ApplyBlockTransform(stage, new BlockStageOptions { WorkerThreads = 4, MaxBlocksInFlight = 8 }).Fit(source).Transform(source);

        var rows = StageReading.Rows(view);

        Assert.Equal(Enumerable.Range(0, source.RowCount).Select(i => (long)i), rows.Select(r => r.Id));
        Assert.All(rows, r => Assert.Equal(r.X + 1, r.Y));
        // The delays only reorder anything if blocks really were mapped side by side.
        Assert.True(stage.PeakConcurrentMaps > 1, $"peak concurrent maps {stage.PeakConcurrentMaps}");
    }

    [Fact]
    public void Unordered_completion_yields_every_row_exactly_once()
    {
        var source = new GeneratedBlocks(blocks: 150, maxRows: 97, seed: 4);
        var options = new BlockStageOptions { WorkerThreads = 4, MaxBlocksInFlight = 8, PreserveOrder = false };
        var view = Ml.Transforms.ApplyBlockTransform(new AddOneTransform(maxDelayMilliseconds: 4), options).Fit(source).Transform(source);

        var rows = StageReading.Rows(view);

        Assert.Equal(Enumerable.Range(0, source.RowCount).Select(i => (long)i), rows.Select(r => r.Id).Order());
        Assert.All(rows, r => Assert.Equal((r.Id / 2f) + 1, r.Y));
    }

    [Fact]
    public void Views_a_fitted_stage_makes_one_after_another_share_their_output_blocks_and_each_reads_its_own_rows()
    {
        // As a job transforms partition after partition through the same fitted preprocessing.
        var first = new GeneratedBlocks(blocks: 20, maxRows: 64, seed: 8);
        var second = new GeneratedBlocks(blocks: 25, maxRows: 64, seed: 9);
        var stage = Ml.Transforms.ApplyBlockTransform(new AddOneTransform(), new BlockStageOptions { WorkerThreads = 2, MaxBlocksInFlight = 3 }).Fit(first);

        var firstView = (BlockStageDataView)stage.Transform(first);
        var secondView = (BlockStageDataView)stage.Transform(second);
        var firstRows = StageReading.Rows(firstView);
        var secondRows = StageReading.Rows(secondView);

        Assert.Same(firstView.OutputBlocks, secondView.OutputBlocks);
        Assert.Equal(Enumerable.Range(0, first.RowCount).Select(i => (long)i), firstRows.Select(r => r.Id));
        Assert.Equal(Enumerable.Range(0, second.RowCount).Select(i => (long)i), secondRows.Select(r => r.Id));
        Assert.All(firstRows.Concat(secondRows), r => Assert.Equal(r.X + 1, r.Y));
        Assert.Equal(0, first.Outstanding);
        Assert.Equal(0, second.Outstanding);
    }

    [Fact]
    public void A_slow_consumer_holds_no_more_blocks_than_the_bound()
    {
        var source = new GeneratedBlocks(blocks: 40, maxRows: 50, seed: 5);
        var view = Ml.Transforms.ApplyBlockTransform(new AddOneTransform(), new BlockStageOptions { WorkerThreads = 2, MaxBlocksInFlight = 3 }).Fit(source).Transform(source);

        using var cursor = (PooledBlockStageCursor)view.GetRowCursor(view.Schema);
        var rows = 0;
        while (cursor.TryTakeBlock(out _, out _, out var count))
        {
            Thread.Sleep(3);
            rows += count;
            Assert.InRange(source.Outstanding, 0, 3);
        }

        Assert.Equal(source.RowCount, rows);
        // The bound is reached (the consumer is the slow one) and never passed, here and at the source.
        Assert.Equal(3, cursor.PeakBlocksInFlight);
        Assert.InRange(source.PeakOutstanding, 1, 3);
    }

    [Fact]
    public void A_failing_block_fails_the_read_with_the_stage_the_rows_and_the_cause()
    {
        var source = new GeneratedBlocks(blocks: 30, maxRows: 64, seed: 6);
        var view = Ml.Transforms.ApplyBlockTransform(new AddOneTransform(failOnRow: 700), new BlockStageOptions { WorkerThreads = 2 }).Fit(source).Transform(source);

        var failure = Assert.Throws<BlockStageException>(() => StageReading.Rows(view));

        Assert.Equal("AddOne", failure.Stage);
        Assert.Matches(@"^block stage 'AddOne' failed on rows \d+–\d+ of the input: InvalidOperationException: boom at row 700$", failure.Message);
        Assert.Equal(0, source.Outstanding);
    }

    [Fact]
    public void Disposing_mid_stream_stops_the_stage_and_gives_every_block_back()
    {
        var source = new GeneratedBlocks(blocks: 200, maxRows: 64, seed: 7);
        var view = Ml.Transforms.ApplyBlockTransform(new AddOneTransform(maxDelayMilliseconds: 20), new BlockStageOptions { WorkerThreads = 2, MaxBlocksInFlight = 4 }).Fit(source).Transform(source);
        var cursor = (PooledBlockStageCursor)view.GetRowCursor(view.Schema);
        Assert.True(cursor.TryTakeBlock(out _, out _, out _));
        Assert.True(cursor.TryTakeBlock(out _, out _, out _));
        Assert.True(source.Outstanding > 0);

        cursor.Dispose();

        Assert.True(cursor.IsDrained);
        Assert.Equal(0, source.Outstanding);
    }

    [Fact]
    public async Task A_stage_over_a_consumer_thread_input_maps_inline_and_otherwise_on_the_pool()
    {
        using var dir = new Support.TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("a.parquet"), 0, 100, 50, seed: 1);
        var parquet = Ml.Data.LoadFromParquet(dir.Combine("a.parquet"));
        var stage = Ml.Transforms.ApplyBlockTransform(new MlNetBatch.Pipeline.Stages.IdentityBlockTransform()).Fit(parquet);

        using var pooled = stage.Transform(parquet).GetRowCursor([]);
        using var inline = stage.Transform(parquet.ReadingOnConsumerThread()).GetRowCursor([]);

        Assert.IsType<PooledBlockStageCursor>(pooled);
        Assert.IsType<InlineBlockStageCursor>(inline);
        Assert.Equal(100, Count(inline));
    }

    private static int Count(DataViewRowCursor cursor)
    {
        var rows = 0;
        while (cursor.MoveNext())
        {
            rows++;
        }

        return rows;
    }
}
