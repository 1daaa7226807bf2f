using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Backends;
using MlNetBatch.Tests.Data;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Backends;

public class OutOfMemoryTests
{
    [Theory]
    [InlineData(OnnxRuntimeErrors.ArenaOutOfMemory)]
    [InlineData(OnnxRuntimeErrors.CudaMallocOutOfMemory)]
    public void Onnx_runtimes_out_of_memory_errors_are_recognised_and_data_errors_are_not(string message)
    {
        Assert.True(OutOfMemoryErrors.IsOutOfMemory(OnnxRuntimeErrors.RuntimeException(message)));
        Assert.False(OutOfMemoryErrors.IsOutOfMemory(OnnxRuntimeErrors.RuntimeException(OnnxRuntimeErrors.BadIndex)));
        Assert.False(OutOfMemoryErrors.IsOutOfMemory(new InvalidOperationException(message)));
    }

    [Fact]
    public void Running_out_of_memory_halves_the_batch_until_it_fits_and_sets_no_row_aside()
    {
        using var dir = new TempDirectory();
        using var model = Model(dir);
        var slot = TestSlots.For(model, 50);
        var backend = new FakeScoringBackend
        {
            FailWith = (_, count) => count > 8 ? OnnxRuntimeErrors.RuntimeException(OnnxRuntimeErrors.ArenaOutOfMemory) : null,
        };
        var quarantine = new CollectingBadRecordSink();
        var tuner = new RunSizeTuner(initial: 50, maximum: 50);
        using var scorer = new BatchScorer(model, backend, tuner, quarantine);

        scorer.Score(slot);

        // 50 -> 25 -> 12/13 -> 6/6/6/7: every row scored exactly once, in runs that fit.
        Assert.Equal([(0, 6), (6, 6), (12, 6), (18, 7), (25, 6), (31, 6), (37, 6), (43, 7)], backend.Succeeded);
        Assert.Empty(quarantine.Records);
        Assert.Equal(50, slot.Rows.RowCount);
        Assert.True(tuner.Settled);
        Assert.True(tuner.RunRows <= 6, $"the tuner keeps {tuner.RunRows} rows per run after 12 and 13 ran out of memory");
    }

    [Fact]
    public void Later_batches_start_at_the_size_that_fit()
    {
        using var dir = new TempDirectory();
        using var model = Model(dir);
        var backend = new FakeScoringBackend
        {
            FailWith = (_, count) => count > 16 ? OnnxRuntimeErrors.RuntimeException(OnnxRuntimeErrors.CudaMallocOutOfMemory) : null,
        };
        using var scorer = new BatchScorer(model, backend, new RunSizeTuner(initial: 64, maximum: 64), badRecords: null);
        scorer.Score(TestSlots.For(model, 64));
        var before = backend.Runs.Count;

        scorer.Score(TestSlots.For(model, 64));

        Assert.All(backend.Runs.Skip(before), run => Assert.True(run.Count <= 16, $"a run of {run.Count} rows after 32 ran out of memory"));
        Assert.Equal(64, backend.Runs.Skip(before).Sum(run => run.Count));
    }

    [Fact]
    public void Out_of_memory_on_a_single_row_fails_the_batch_and_is_never_quarantined()
    {
        using var dir = new TempDirectory();
        using var model = Model(dir);
        var backend = new FakeScoringBackend { FailWith = (_, _) => OnnxRuntimeErrors.RuntimeException(OnnxRuntimeErrors.ArenaOutOfMemory) };
        var quarantine = new CollectingBadRecordSink();
        using var scorer = new BatchScorer(model, backend, tuner: null, quarantine);

        var error = Assert.Throws<OnnxModelException>(() => scorer.Score(TestSlots.For(model, 4)));

        Assert.Contains("ran out of Cpu memory on a batch of 1 row", error.Message);
        Assert.Empty(quarantine.Records);
    }

    [Fact]
    public void A_data_error_is_still_narrowed_down_to_its_row_and_quarantined()
    {
        using var dir = new TempDirectory();
        using var model = Model(dir);
        var slot = TestSlots.For(model, 20);
        var backend = new FakeScoringBackend
        {
            FailWith = (start, count) =>
                count > 8 ? OnnxRuntimeErrors.RuntimeException(OnnxRuntimeErrors.ArenaOutOfMemory)
                : start <= 13 && 13 < start + count ? OnnxRuntimeErrors.RuntimeException(OnnxRuntimeErrors.BadIndex)
                : null,
        };
        var quarantine = new CollectingBadRecordSink();
        using var scorer = new BatchScorer(model, backend, tuner: null, quarantine);

        scorer.Score(slot);

        var record = Assert.Single(quarantine.Records);
        Assert.Equal(13, record.Row);
        Assert.Contains("indices element out of data bounds", record.Reason);
        Assert.Equal(19, slot.Rows.RowCount);
        Assert.DoesNotContain(slot.RowIds.Take(19), id => id.Low == 13);
    }

    private static OnnxScoringModel Model(TempDirectory dir) =>
        OnnxScoringModel.Load(new ScoreOnnxOptions { ModelPath = TestModels.Tabular(dir), Device = OnnxDevice.Cpu });
}
