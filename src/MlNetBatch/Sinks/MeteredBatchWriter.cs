using MlNetBatch.Data;
using MlNetBatch.Diagnostics;

namespace MlNetBatch.Sinks;

/// <summary>
/// Times a writer's encoding and writing for the write stage of the job run it works for, and counts the rows:
/// a decorator, so the formats' writers know nothing of it. The work may await I/O; its processor time counts while
/// it stays on one thread.
/// </summary>
internal sealed class MeteredBatchWriter(IRecordBatchWriter inner, StageMeter meter) : IRecordBatchWriter
{
    /// <summary><paramref name="writer"/>, timed for the job run on this flow; the writer itself outside a run.</summary>
    public static IRecordBatchWriter For(IRecordBatchWriter writer) =>
        RunTelemetry.Current is { } run ? new MeteredBatchWriter(writer, run.Write) : writer;

    /// <inheritdoc />
    public async Task WriteAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        var start = AsyncWorkStart.Now();
        await inner.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        meter.AddWork(start, batch.RowCount);
    }

    /// <inheritdoc />
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        var start = AsyncWorkStart.Now();
        await inner.CompleteAsync(cancellationToken).ConfigureAwait(false);
        meter.AddWork(start, 0);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
