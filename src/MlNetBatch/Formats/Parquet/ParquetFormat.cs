using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Storage;
using Parquet;
using Parquet.Schema;

namespace MlNetBatch.Formats.Parquet;

/// <summary>
/// Reads Apache Parquet through Parquet.Net: the schema from the footer, one partition per range of row groups,
/// and only the columns the pipeline asks for.
/// </summary>
public sealed class ParquetFormat : IDataFormat
{
    /// <summary>The shared instance.</summary>
    public static ParquetFormat Instance { get; } = new();

    /// <inheritdoc />
    public DataFormatKind Kind => DataFormatKind.Parquet;

    /// <inheritdoc />
    public async Task<IReadOnlyList<SourceColumn>> InferSchemaAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        await using var reader = await OpenAsync(store, file, cancellationToken).ConfigureAwait(false);
        var columns = new List<SourceColumn>();
        foreach (var field in reader.Schema.Fields)
        {
            var leaf = ParquetTypeMapping.Leaf(field);
            var itemType = leaf is null ? null : ParquetTypeMapping.ToItemType(leaf.ClrType);
            if (leaf is null || itemType is null)
            {
                // Structures and binary columns have no ML.NET counterpart; they stay in the file, unread.
                continue;
            }

            if (leaf.MaxRepetitionLevel == 0)
            {
                columns.Add(new SourceColumn(field.Name, itemType));
            }
            else if (leaf.MaxRepetitionLevel == 1 && itemType is not TextDataViewType)
            {
                columns.Add(new SourceColumn(field.Name, new VectorDataViewType(itemType, ListSize(reader, leaf, file, field.Name))));
            }
        }

        return columns;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PartitionSpan>> PlanAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        await using var reader = await OpenAsync(store, file, cancellationToken).ConfigureAwait(false);
        var spans = new List<PartitionSpan>();
        for (var start = 0; start < reader.RowGroupCount; start += options.RowGroupsPerPartition)
        {
            var count = Math.Min(options.RowGroupsPerPartition, reader.RowGroupCount - start);
            long rows = 0;
            for (var g = start; g < start + count; g++)
            {
                rows += reader.OpenRowGroupReader(g).RowCount;
            }

            spans.Add(new PartitionSpan(PartitionKind.RowGroups, start, count, rows));
        }

        return spans;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordBatch> ReadAsync(PartitionReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var partition = context.Partition;
        var fileName = partition.File.Location.ToString();
        var (reader, stream) = await OpenWithStreamAsync(context.Store, partition.File, cancellationToken).ConfigureAwait(false);
        await using var disposeReader = reader;
        var fields = ResolveFields(reader.Schema, context, fileName);
        long firstRow = 0;
        for (var g = (int)partition.Start; g < partition.Start + partition.Length; g++)
        {
            if (g >= reader.RowGroupCount)
            {
                throw new DataFormatException(fileName, $"row group {g} does not exist; the file changed after the job was planned.");
            }

            var rowGroup = reader.OpenRowGroupReader(g);
            var rows = checked((int)rowGroup.RowCount);
            var batch = context.Pool.Rent(rows);
            batch.FirstRowInPartition = firstRow;
            Dictionary<int, (string Column, string Reason)>? bad = null;
            for (var c = 0; c < fields.Length; c++)
            {
                if (fields[c] is { } field)
                {
                    var column = context.Columns[c].Name;
                    Action<int, string>? onBadValue = context.BadRecords is null
                        ? null
                        : (row, reason) => (bad ??= []).TryAdd(row, (column, reason));
                    try
                    {
                        await ParquetColumnDecoder.DecodeAsync(stream, rowGroup, field, context.Columns[c], batch.Columns[c]!, fileName, firstRow, onBadValue, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not MlNetBatchException && IsFormatError(e))
                    {
                        throw new DataFormatException(fileName, $"row group {g} is corrupt ({e.Message}).", column, innerException: e);
                    }
                }
            }

            batch.RowCount = rows;
            if (bad is not null)
            {
                foreach (var (row, problem) in bad.OrderBy(b => b.Key))
                {
                    context.BadRecords!.Report(new BadRecord(fileName, partition.Id, firstRow + row, null, problem.Column, problem.Reason, null));
                }

                batch.RemoveRows(bad.Keys.ToHashSet());
            }

            firstRow += rows;
            yield return batch;
        }
    }

    private static DataField?[] ResolveFields(ParquetSchema schema, PartitionReadContext context, string fileName)
    {
        var fields = new DataField?[context.Columns.Count];
        for (var c = 0; c < fields.Length; c++)
        {
            if (!context.Active[c])
            {
                continue;
            }

            var column = context.Columns[c];
            var field = schema.Fields.FirstOrDefault(f => f.Name == column.Name)
                ?? throw new DataFormatException(fileName,
                    $"the file has no such column (it has: {string.Join(", ", schema.Fields.Select(f => f.Name))}).", column.Name);
            var leaf = ParquetTypeMapping.Leaf(field);
            if (leaf is null || ParquetTypeMapping.ToItemType(leaf.ClrType) is null)
            {
                throw new DataFormatException(fileName, $"the column's Parquet type ({field.SchemaType}) cannot be read as {ColumnTypeNames.Format(column.Type)}.", column.Name);
            }

            var fileIsText = ParquetTypeMapping.ToItemType(leaf.ClrType) is TextDataViewType;
            var wantsText = column.Type is TextDataViewType;
            if (fileIsText != wantsText)
            {
                throw new DataFormatException(fileName,
                    $"type mismatch: the file stores {(fileIsText ? "text" : leaf.ClrType.Name)} but the schema declares {ColumnTypeNames.Format(column.Type)}.", column.Name);
            }

            fields[c] = leaf;
        }

        return fields;
    }

    private static int ListSize(ParquetReader reader, DataField leaf, ObjectInfo file, string column)
    {
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var rowGroup = reader.OpenRowGroupReader(g);
            if (rowGroup.RowCount == 0)
            {
                continue;
            }

            var values = rowGroup.GetMetadata(leaf)?.MetaData?.NumValues ?? 0;
            if (values % rowGroup.RowCount != 0 || values == 0)
            {
                break;
            }

            return checked((int)(values / rowGroup.RowCount));
        }

        // No rows to measure: MlNetBatch's own output records each vector's length beside the schema.
        if (reader.CustomMetadata.TryGetValue(ParquetTypeMapping.VectorSizeKey(column), out var recorded)
            && int.TryParse(recorded, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size) && size > 0)
        {
            return size;
        }

        throw new DataFormatException(file.Location.ToString(),
            "lists of varying or unknown length cannot be inferred as a fixed-size vector; declare the column's size in the source's Columns (for example float[16]).", column);
    }

    /// <summary>Parquet.Net reports malformed files as ParquetException, or as IOException saying "not a Parquet file".</summary>
    private static bool IsFormatError(Exception e) =>
        e is ParquetException or InvalidDataException or EndOfStreamException or ArgumentException or IndexOutOfRangeException or InvalidOperationException
        || (e is IOException && e.Message.Contains("Parquet", StringComparison.OrdinalIgnoreCase));

    private static async Task<ParquetReader> OpenAsync(IObjectStore store, ObjectInfo file, CancellationToken cancellationToken) =>
        (await OpenWithStreamAsync(store, file, cancellationToken).ConfigureAwait(false)).Reader;

    /// <summary>Opens the file; the reader owns the stream, which it hands back for reading column chunks directly.</summary>
    private static async Task<(ParquetReader Reader, Stream Stream)> OpenWithStreamAsync(IObjectStore store, ObjectInfo file, CancellationToken cancellationToken)
    {
        var stream = await store.OpenReadAsync(file.Location, file, cancellationToken).ConfigureAwait(false);
        try
        {
            return (await ParquetReader.CreateAsync(stream, leaveStreamOpen: false, cancellationToken: cancellationToken).ConfigureAwait(false), stream);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (IsFormatError(e))
            {
                throw new DataFormatException(file.Location.ToString(), $"not a readable Parquet file ({e.Message}).", innerException: e);
            }

            // The bytes could not be fetched (a dropped connection, a timeout): worth another try, unlike a bad file.
            throw new StorageException(file.Location, $"reading the Parquet footer failed ({e.Message}).", e, isTransient: TransientFailures.IsTransient(e));
        }
    }
}
