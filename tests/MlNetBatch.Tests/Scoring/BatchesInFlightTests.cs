using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Backends;
using MlNetBatch.Tests.Data;
using MlNetBatch.Tests.Scoring.Backends;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring;

/// <summary>
/// One pipelined cursor on a device that runs two batches at once keeps two in flight, through two scorers. The
/// device is the CPU provider driven as a GPU is: its I/O binding, behind an executor with a GPU's limit.
/// </summary>
public class BatchesInFlightTests
{
    private const int Rows = 1500;
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task One_cursor_keeps_two_runs_in_flight_and_serves_the_rows_of_a_single_scorer_in_order()
    {
        using var dir = new TempDirectory();
        var (csv, features) = await BlockPathTests.WriteCsvAsync(dir, Rows);
        var raw = RawOnnx.RunTabular(TestModels.Tabular(dir), features, Rows, out var labels);
        var oneAtATime = new RunRecorder();
        var twoAtOnce = new RunRecorder { WaitForCompany = TimeSpan.FromSeconds(5) };

        var single = Score(dir, csv, concurrentRuns: 1, oneAtATime);
        var pipelined = Score(dir, csv, concurrentRuns: 2, twoAtOnce);

        Assert.Equal((1, 1), (oneAtATime.Backends, oneAtATime.MostAtOnce));
        Assert.Equal((2, 2), (twoAtOnce.Backends, twoAtOnce.MostAtOnce));
        // Each scorer keeps to its own slots, so I/O binding holds one set of host buffers per slot, as with one scorer.
        Assert.Equal(0, twoAtOnce.SlotsShared);
        Assert.Equal(Enumerable.Range(0, Rows).Select(i => (long)i), pipelined.Select(r => r.Id));
        Assert.Equal(single.Select(r => r.Id), pipelined.Select(r => r.Id));
        Assert.Equal(single.SelectMany(r => r.Probabilities), pipelined.SelectMany(r => r.Probabilities));
        Assert.Equal(single.Select(r => r.Label), pipelined.Select(r => r.Label));
        Assert.Equal(labels, pipelined.Select(r => r.Label));
        AssertNear(raw, pipelined);
    }

    [Fact]
    public async Task Each_scorer_halves_its_runs_when_out_of_memory_and_sets_bad_rows_aside_and_the_rest_stay_in_order()
    {
        using var dir = new TempDirectory();
        var (csv, features) = await BlockPathTests.WriteCsvAsync(dir, Rows);
        var raw = RawOnnx.RunTabular(TestModels.Tabular(dir), features, Rows, out _);
        var quarantine = new CollectingBadRecordSink();
        var recorder = new RunRecorder
        {
            WaitForCompany = TimeSpan.FromSeconds(5),
            // Batches are 64 rows: each is halved twice, then the quarter holding row 333 is split down to it.
            FailWith = (slot, start, count) =>
                count > 16 ? OnnxRuntimeErrors.RuntimeException(OnnxRuntimeErrors.ArenaOutOfMemory)
                : RunRecorder.Covers(slot, start, count, 333) ? OnnxRuntimeErrors.RuntimeException(OnnxRuntimeErrors.BadIndex)
                : null,
        };

        var rows = Score(dir, csv, concurrentRuns: 2, recorder, quarantine);

        Assert.Equal(2, recorder.MostAtOnce);
        Assert.Equal(Enumerable.Range(0, Rows).Where(i => i != 333).Select(i => (long)i), rows.Select(r => r.Id));
        var record = Assert.Single(quarantine.Records);
        Assert.Equal(333, record.Row);
        Assert.Contains("indices element out of data bounds", record.Reason);
        AssertNear(raw, rows);
    }

    [Fact]
    public async Task A_failure_in_one_scorer_fails_the_cursor_after_the_rows_before_it_and_disposing_waits_for_the_other()
    {
        using var dir = new TempDirectory();
        var (csv, _) = await BlockPathTests.WriteCsvAsync(dir, Rows);
        var recorder = new RunRecorder
        {
            WaitForCompany = TimeSpan.FromSeconds(5),
            ExtraTime = TimeSpan.FromMilliseconds(5),
            FailWith = (slot, start, count) => RunRecorder.Covers(slot, start, count, 700) ? OnnxRuntimeErrors.RuntimeException(OnnxRuntimeErrors.BadIndex) : null,
        };
        using var transformer = Transformer(dir, csv, concurrentRuns: 2, recorder, out var source);
        var scored = transformer.Transform(source);
        var ids = new List<long>();

        var cursor = scored.GetRowCursor(scored.Schema);
        var error = Assert.Throws<OnnxModelException>(() =>
        {
            var id = cursor.GetGetter<long>(scored.Schema["id"]);
            long value = 0;
            while (cursor.MoveNext())
            {
                id(ref value);
                ids.Add(value);
            }
        });
        cursor.Dispose();

        Assert.StartsWith("Model 'tabular-dynamic.onnx' failed on a batch of 64 rows: ", error.Message);
        Assert.Equal(2, recorder.MostAtOnce);
        // Every row before the failing batch (rows 640-703), in order, and none after it.
        Assert.Equal(Enumerable.Range(0, ids.Count).Select(i => (long)i), ids);
        Assert.True(ids.Count <= 640, $"{ids.Count} rows served");
        Assert.Equal(0, recorder.Running);
    }

    [Fact]
    public async Task Disposing_a_cursor_with_two_batches_in_flight_waits_for_both_and_its_slots_serve_the_next_cursor()
    {
        using var dir = new TempDirectory();
        var (csv, features) = await BlockPathTests.WriteCsvAsync(dir, Rows);
        var raw = RawOnnx.RunTabular(TestModels.Tabular(dir), features, Rows, out _);
        var recorder = new RunRecorder { WaitForCompany = TimeSpan.FromSeconds(5), ExtraTime = TimeSpan.FromMilliseconds(20) };
        using var transformer = Transformer(dir, csv, concurrentRuns: 2, recorder, out var source);
        var scored = transformer.Transform(source);

        using (var first = scored.GetRowCursor(scored.Schema))
        {
            Assert.True(first.MoveNext());
        }

        var runningAfterDispose = recorder.Running;
        var rows = Read(scored);

        Assert.Equal(0, runningAfterDispose);
        Assert.Equal(2, recorder.MostAtOnce);
        Assert.Equal(Enumerable.Range(0, Rows).Select(i => (long)i), rows.Select(r => r.Id));
        AssertNear(raw, rows);
    }

    private List<ScoredRow> Score(TempDirectory dir, string csv, int concurrentRuns, RunRecorder recorder, IBadRecordSink? badRecords = null)
    {
        using var transformer = Transformer(dir, csv, concurrentRuns, recorder, out var source);
        return Read(transformer.Transform(source, badRecords));
    }

    /// <summary>
    /// A scorer of 64-row batches whose backends run through the CPU provider's I/O binding, wrapped by
    /// <paramref name="recorder"/>, behind an executor that lets <paramref name="concurrentRuns"/> run at once.
    /// </summary>
    private ScoreOnnxTransformer Transformer(TempDirectory dir, string csv, int concurrentRuns, RunRecorder recorder, out IDataView source)
    {
        source = _ml.Data.LoadFromCsv(csv, new DataSourceOptions { ChunkRows = 50 });
        var transformer = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions
        {
            ModelPath = TestModels.Tabular(dir),
            BatchSize = 64,
            Device = OnnxDevice.Cpu,
            ConcatenatedInputs = { ["features"] = Enumerable.Range(0, 16).Select(i => $"f{i:D2}").ToList() },
        }).Fit(source);
        var model = transformer.Model;
        var executor = new GpuExecutor(concurrentRuns);
        model.Backends = ScoringBackendFactory.WithExecutor(model, executor, firstOutputColumn =>
            new ExecutorLimitedBackend(recorder.Wrap(new IoBindingScoringBackend(model, firstOutputColumn, OrtAllocator.DefaultInstance, executor: null)), executor));
        return transformer;
    }

    /// <summary>Every row through one cursor, in the order it serves them.</summary>
    private static List<ScoredRow> Read(IDataView scored)
    {
        using var cursor = scored.GetRowCursor(scored.Schema);
        Assert.IsType<PipelinedScoredRowCursor>(cursor);
        var id = cursor.GetGetter<long>(scored.Schema["id"]);
        var probabilities = cursor.GetGetter<VBuffer<float>>(scored.Schema["probabilities"]);
        var label = cursor.GetGetter<VBuffer<long>>(scored.Schema["label"]);
        var rows = new List<ScoredRow>();
        long idValue = 0;
        VBuffer<float> p = default;
        VBuffer<long> l = default;
        while (cursor.MoveNext())
        {
            id(ref idValue);
            probabilities(ref p);
            label(ref l);
            rows.Add(new ScoredRow(idValue, p.DenseValues().ToArray(), Assert.Single(l.DenseValues())));
        }

        return rows;
    }

    private static void AssertNear(float[] raw, List<ScoredRow> rows)
    {
        foreach (var row in rows)
        {
            for (var j = 0; j < 2; j++)
            {
                Assert.True(Math.Abs(raw[(2 * row.Id) + j] - row.Probabilities[j]) <= 1e-5, $"row {row.Id}, value {j}: raw {raw[(2 * row.Id) + j]}, scored {row.Probabilities[j]}");
            }
        }
    }

    private sealed record ScoredRow(long Id, float[] Probabilities, long Label);
}
