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
    /// written. <paramref name="parquet"/> sets the codec and row-group size of Parquet output (defaults when null).
    /// </summary>
    public static async Task<long> WriteAsync(
        IDataView view, ObjectLocation destination, DataFormatKind format, IReadOnlyList<string>? columns = null,
        ObjectStoreResolver? resolver = null, int blockRows = DefaultBlockRows, ParquetSinkOptions? parquet = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockRows);
        parquet?.ThrowIfInvalid();
        var store = (resolver ?? ObjectStoreResolver.LocalOnly).Resolve(destination);
        await using var output = await store.CreateAsync(destination, cancellationToken).ConfigureAwait(false);
        var total = await WriteAsync(view, output, format, columns, blockRows, parquet, cancellationToken).ConfigureAwait(false);
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
        int blockRows = DefaultBlockRows, ParquetSinkOptions? parquet = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return WriteAsync(view, output.Stream, format, columns, blockRows, parquet, cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="columns"/> (all visible columns when null) of <paramref name="view"/> to
    /// <paramref name="stream"/>, which is left open; returns the rows written.
    /// </summary>
    public static async Task<long> WriteAsync(
        IDataView view, Stream stream, DataFormatKind format, IReadOnlyList<string>? columns = null,
        int blockRows = DefaultBlockRows, ParquetSinkOptions? parquet = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockRows);
        parquet?.ThrowIfInvalid();
        var sinkColumns = SelectColumns(view.Schema, columns);
        var active = new bool[view.Schema.Count];
        foreach (var column in sinkColumns)
        {
            active[column.SourceIndex] = true;
        }

        var pool = new RecordBatchPool(view.Schema, active, blockRows);
        var batch = pool.Rent();
        await using var writer = RecordBatchWriters.Create(format, stream, sinkColumns, parquet);
        using var cursor = view.GetRowCursor(sinkColumns.Select(c => view.Schema[c.SourceIndex]));
        long total = 0;
        var rows = 0;
        if (cursor is BlockRowCursor blocks)
        {
            // MlNetBatch's own cursors hand over whole blocks: copy columns in bulk, no getter per value.
            while (blocks.TryTakeBlock(out var block, out var start, out var count))
            {
                while (count > 0)
                {
                    var take = Math.Min(count, blockRows - rows);
                    foreach (var column in sinkColumns)
                    {
                        batch.Columns[column.SourceIndex]!.CopyRows(block.Columns[column.SourceIndex]!, start, rows, take);
                    }

                    rows += take;
                    start += take;
                    count -= take;
                    if (rows == blockRows)
                    {
                        batch.RowCount = rows;
                        await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                        total += rows;
                        rows = 0;
                    }
                }
            }
        }
        else
        {
            var copiers = sinkColumns.Select(c => batch.Columns[c.SourceIndex]!.CreateCopier(cursor, view.Schema[c.SourceIndex])).ToArray();
            while (cursor.MoveNext())
            {
                for (var c = 0; c < copiers.Length; c++)
                {
                    copiers[c](rows);
                }

                if (++rows == blockRows)
                {
                    batch.RowCount = rows;
                    await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    total += rows;
                    rows = 0;
                }
            }
        }

        batch.RowCount = rows;
        await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        total += rows;
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return total;
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
