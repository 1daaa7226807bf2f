using System.Diagnostics.Metrics;

namespace MlNetBatch.Diagnostics;

/// <summary>
/// The metrics of a job's stages, under <see cref="MlNetBatchTelemetry.Meter"/>: rows through read, score and write,
/// the scorer's batches, and the fill of the queues between stages. Every measurement carries the job's name
/// (<c>mlnetbatch.job</c>); queue depths also the stage's (<c>mlnetbatch.stage</c>).
/// </summary>
internal static class StageInstruments
{
    /// <summary>The tag that names the job.</summary>
    public const string JobTag = "mlnetbatch.job";

    /// <summary>The tag that names the stage.</summary>
    public const string StageTag = "mlnetbatch.stage";

    public static readonly Counter<long> RowsRead = MlNetBatchTelemetry.Meter.CreateCounter<long>(
        "mlnetbatch.rows.read", "{row}", "Rows read from jobs' inputs, counted per chunk (a retried partition's rows count again).");

    public static readonly Counter<long> RowsScored = MlNetBatchTelemetry.Meter.CreateCounter<long>(
        "mlnetbatch.rows.scored", "{row}", "Rows the model scored, counted per batch.");

    public static readonly Counter<long> RowsWritten = MlNetBatchTelemetry.Meter.CreateCounter<long>(
        "mlnetbatch.rows.written", "{row}", "Rows written to jobs' outputs, counted per block.");

    public static readonly Counter<long> BadRows = MlNetBatchTelemetry.Meter.CreateCounter<long>(
        "mlnetbatch.rows.bad", "{row}", "Rows set aside as bad in committed partitions.");

    public static readonly Histogram<int> BatchSize = MlNetBatchTelemetry.Meter.CreateHistogram<int>(
        "mlnetbatch.score.batch.size", "{row}", "Rows per batch the scorer ran.");

    public static readonly Histogram<double> BatchDuration = MlNetBatchTelemetry.Meter.CreateHistogram<double>(
        "mlnetbatch.score.batch.duration", "s", "Time the scorer took per batch.");

    /// <summary>Blocks or batches waiting in (or in flight through) the bounded queues of the running jobs, per stage.</summary>
    public static readonly ObservableGauge<int> QueueDepth = MlNetBatchTelemetry.Meter.CreateObservableGauge(
        "mlnetbatch.queue.depth", ObserveQueues, "{block}", "Blocks held in the bounded queues between stages of the running jobs.");

    private static IEnumerable<Measurement<int>> ObserveQueues()
    {
        foreach (var run in RunTelemetry.Running)
        {
            foreach (var stage in run.Meters)
            {
                var (depth, capacity) = stage.QueueFill();
                if (capacity > 0)
                {
                    yield return new Measurement<int>(depth, stage.JobTag, new KeyValuePair<string, object?>(StageTag, stage.Name));
                }
            }
        }
    }
}
