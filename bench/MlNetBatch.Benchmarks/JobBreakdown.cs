using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// Where a job's processor time per row goes (<c>--inputs</c>): one thread runs the job's own path a stage at a
/// time, as a job does with a partition per core, adding one stage per line: read, then pack and score, then write.
/// </summary>
internal static class JobBreakdown
{
    public static void Run(string work, string glob, string modelPath, long rows, int repetitions)
    {
        var ml = new MLContext(seed: 0);
        var source = (PartitionedDataView)ml.Data.LoadFromParquet(glob);
        var sequential = source.ReadingOnConsumerThread();
        using var scorer = ml.Transforms.ScoreOnnx(new ScoreOnnxOptions
        {
            ModelPath = modelPath,
            Device = OnnxDevice.Cpu,
            IntraOpThreads = 1,
            ConcatenatedInputs = { ["features"] = TabularData.FeatureColumns.ToList() },
        }).Fit(source);
        var scored = scorer.Transform(sequential, badRecords: null, sequential: true);
        Console.WriteLine($"  Where a job's processor time goes: its own path on one thread, a stage added per line ({rows:N0} rows)");
        var read = Measurement.Run("read (id + 16 features) in blocks", rows, repetitions, () =>
        {
            using var cursor = (BlockRowCursor)sequential.GetRowCursor(source.Schema);
            while (cursor.TryTakeBlock(out _, out _, out _))
            {
            }
        });
        var score = Measurement.Run("+ pack into the input tensor and score", rows, repetitions, () => Drain.Blocks(scored));
        var write = Measurement.Run("+ write id + probabilities + label to Parquet", rows, repetitions, () =>
            DataViewWriter.WriteAsync(scored, ObjectLocation.Local(Path.Combine(work, "breakdown.parquet")), DataFormatKind.Parquet, ["id", "probabilities", "label"]).GetAwaiter().GetResult());
        // The same write straight to a file stream: no temporary file, no flush to disk, no rename, no copy into the
        // sink's own blocks. The difference is what the atomic, durable commit costs.
        var plain = Measurement.Run("+ write the same to a plain file stream", rows, repetitions, () => WritePlain(scored, Path.Combine(work, "breakdown-plain.parquet")));
        Console.WriteLine($"  atomic, durable commit: {write.CpuMicrosecondsPerRow - plain.CpuMicrosecondsPerRow:N3} us of processor time per row, {(write.Elapsed - plain.Elapsed).TotalMilliseconds:N0} ms");
        Console.WriteLine($"  processor time per row: read {read.CpuMicrosecondsPerRow:N3}, pack and score {score.CpuMicrosecondsPerRow - read.CpuMicrosecondsPerRow:N3}, write {write.CpuMicrosecondsPerRow - score.CpuMicrosecondsPerRow:N3}; all {write.CpuMicrosecondsPerRow:N3} us");
    }

    private static void WritePlain(IDataView scored, string path)
    {
        var columns = DataViewWriter.SelectColumns(scored.Schema, ["id", "probabilities", "label"]);
        using var stream = File.Create(path);
        var writer = RecordBatchWriterRegistry.Default.Create(DataFormatKind.Parquet, stream, columns);
        try
        {
            using var cursor = (BlockRowCursor)scored.GetRowCursor(columns.Select(c => scored.Schema[c.SourceIndex]));
            while (cursor.TryTakeBlock(out var block, out var start, out var count))
            {
                // A scored block is served whole, from its first row.
                if (start != 0 || count != block.RowCount)
                {
                    throw new InvalidOperationException("expected whole blocks");
                }

                writer.WriteAsync(block, CancellationToken.None).GetAwaiter().GetResult();
            }

            writer.CompleteAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
