using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Sinks;

/// <summary>
/// Writes a data view's rows to one file atomically: the file appears under its final name only when complete.
/// </summary>
public static class DataViewWriter
{
    /// <summary>Rows copied per write (Parquet row groups gather many writes: see <see cref="ParquetSinkOptions"/>).</summary>
    public const int DefaultBlockRows = 16384;

    /// <summary>
    /// Writes <paramref name="columns"/> (all visible columns when null) of <paramref name="view"/>; returns the rows
    /// written. <paramref name="parquet"/> sets the codec and row-group size of Parquet output (defaults when null);
    /// <paramref name="writers"/> makes the format's writer (the built-in ones when null).
    /// </summary>
    public static async Task<long> WriteAsync(
        IDataView view, ObjectLocation destination, DataFormatKind format, IReadOnlyList<string>? columns = null,
        ObjectStoreResolver? resolver = null, int blockRows = DefaultBlockRows, ParquetSinkOptions? parquet = null,
        CancellationToken cancellationToken = default, RecordBatchWriterRegistry? writers = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockRows);
        parquet?.ThrowIfInvalid();
        var store = (resolver ?? ObjectStoreResolver.LocalOnly).Resolve(destination);
        await using var output = await store.CreateAsync(destination, cancellationToken).ConfigureAwait(false);
        var total = await WriteAsync(view, output, format, columns, blockRows, parquet, cancellationToken, writers).ConfigureAwait(false);
        await output.CommitAsync(cancellationToken).ConfigureAwait(false);
        return total;
    }

    /// <summary>
    /// Writes <paramref name="columns"/> (all visible columns when null) of <paramref name="view"/> into an object
    /// being written, complete but not committed: the caller commits it (a job does so after handing the processor
    /// to its next partition, since a commit mostly waits for the disk). Returns the rows written.
    /// </summary>
    public static Task<long> WriteAsync(
        IDataView view, IAtomicObjectWrite output, DataFormatKind format, IReadOnlyList<string>? columns = null,
        int blockRows = DefaultBlockRows, ParquetSinkOptions? parquet = null, CancellationToken cancellationToken = default,
        RecordBatchWriterRegistry? writers = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        return WriteAsync(view, output.Stream, format, columns, blockRows, parquet, cancellationToken, writers);
    }

    /// <summary>
    /// Writes <paramref name="columns"/> (all visible columns when null) of <paramref name="view"/> to
    /// <paramref name="stream"/>, which is left open; returns the rows written. The cursor runs on a thread of its
    /// own (see <see cref="CursorBatchProducer"/>): no thread-pool thread waits on it.
    /// </summary>
    public static Task<long> WriteAsync(
        IDataView view, Stream stream, DataFormatKind format, IReadOnlyList<string>? columns = null,
        int blockRows = DefaultBlockRows, ParquetSinkOptions? parquet = null, CancellationToken cancellationToken = default,
        RecordBatchWriterRegistry? writers = null) =>
        WriteAsync(view, stream, format, columns, blockRows, parquet, writers, cursorOnCallerThread: false, cancellationToken);

    /// <summary>
    /// As the public overloads; with <paramref name="cursorOnCallerThread"/>, the cursor is moved on the calling
    /// thread, for a cursor that reads and scores there and never waits on other threads (a job's sequential stages):
    /// one thread per partition, no hand-off.
    /// </summary>
    internal static async Task<long> WriteAsync(
        IDataView view, Stream stream, DataFormatKind format, IReadOnlyList<string>? columns, int blockRows, ParquetSinkOptions? parquet,
        RecordBatchWriterRegistry? writers, bool cursorOnCallerThread, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockRows);
        parquet?.ThrowIfInvalid();
        var sinkColumns = SelectColumns(view.Schema, columns);
        blockRows = BlockRowLimit.For(sinkColumns.Select(c => c.Type), blockRows);
        if (view.GetRowCount() is { } known && known < blockRows)
        {
            // Every row fits one block anyway: a block sized for the default would be allocated and cleared for
            // nothing (a job's partition of 64 images wrote through 32 MB of 512-float feature vectors).
            blockRows = (int)Math.Max(1, known);
        }

        await using var inner = (writers ?? RecordBatchWriterRegistry.Default).Create(format, stream, sinkColumns, parquet);
        var writer = MeteredBatchWriter.For(inner);
        var total = cursorOnCallerThread
            ? await WriteOnCallerThreadAsync(view, sinkColumns, blockRows, writer, cancellationToken).ConfigureAwait(false)
            : await WriteFromProducerAsync(view, sinkColumns, blockRows, writer, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return total;
    }

    private static async Task<long> WriteOnCallerThreadAsync(
        IDataView view, IReadOnlyList<SinkColumn> columns, int blockRows, IRecordBatchWriter writer, CancellationToken cancellationToken)
    {
        var pool = CursorBatchFiller.CreatePool(view.Schema, columns, blockRows);
        using var cursor = view.GetRowCursor(columns.Select(c => view.Schema[c.SourceIndex]));
        long total = 0;
        foreach (var batch in Diagnostics.StageClock.Spans(new CursorBatchFiller(cursor, view.Schema, columns, pool).Fill(), Diagnostics.RunTelemetry.Current?.Write))
        {
            await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            total += batch.RowCount;
            pool.Return(batch);
        }

        return total;
    }

    private static async Task<long> WriteFromProducerAsync(
        IDataView view, IReadOnlyList<SinkColumn> columns, int blockRows, IRecordBatchWriter writer, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = CursorBatchProducer.Start(view, columns, blockRows, stop.Token);
        long total = 0;
        try
        {
            while (await producer.Batches.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (producer.Batches.TryRead(out var batch))
                {
                    await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    total += batch.RowCount;
                    producer.Return(batch);
                }
            }

            // The cursor's own failure (a bad value, a lost file), with its type.
            await producer.Completion.ConfigureAwait(false);
            return total;
        }
        catch
        {
            // The cursor and its background readers are released before the output is.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

    /// <summary>Resolves output column names against a schema, with an error that lists what exists.</summary>
    public static IReadOnlyList<SinkColumn> SelectColumns(DataViewSchema schema, IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return schema.Where(c => !c.IsHidden).Select(c => new SinkColumn(c.Name, c.Index, c.Type)).ToList();
        }

        var missing = names.Where(n => schema.GetColumnOrNull(n) is null).ToList();
        if (missing.Count > 0)
        {
            throw new MlNetBatchException(
                $"Output column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} do not exist; available: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
        }

        return names.Select(n => schema[n]).Select(c => new SinkColumn(c.Name, c.Index, c.Type)).ToList();
    }
}
