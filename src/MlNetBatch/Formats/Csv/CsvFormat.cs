using System.Runtime.CompilerServices;
using MlNetBatch.Data;
using MlNetBatch.Formats.Text;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats.Csv;

/// <summary>
/// Reads CSV (or any single-byte separator) as byte-range partitions, with RFC 4180 quoting as Python's csv module
/// reads it: quoted fields may hold separators, doubled quotes and line breaks. Partitions start at record starts.
/// </summary>
public sealed class CsvFormat : IDataFormat
{
    /// <summary>The shared instance.</summary>
    public static CsvFormat Instance { get; } = new();

    /// <inheritdoc />
    public DataFormatKind Kind => DataFormatKind.Csv;

    /// <inheritdoc />
    public async Task<IReadOnlyList<SourceColumn>> InferSchemaAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        await using var stream = await CompressedText.OpenAsync(store, file, cancellationToken).ConfigureAwait(false);
        return CsvSchemaInference.Infer(stream, file.Location.ToString(), CompressedText.TextLength(file), options, Separator(options));
    }

    /// <inheritdoc />
    /// <remarks>A file larger than one partition is read once here, to find record starts outside quoted fields.</remarks>
    public async Task<IReadOnlyList<PartitionSpan>> PlanAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        var separator = Separator(options);
        if (CompressedText.IsCompressed(file.Location))
        {
            return [new PartitionSpan(PartitionKind.WholeFile, 0, long.MaxValue, RowCount: null)];
        }

        if (file.Size <= options.PartitionBytes)
        {
            return ByteRangePlanner.Plan(file.Size, options.PartitionBytes);
        }

        await using var stream = await store.OpenReadAsync(file.Location, file, cancellationToken).ConfigureAwait(false);
        return await CsvPartitionPlanner.PlanAsync(stream, file.Size, options.PartitionBytes, separator, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordBatch> ReadAsync(PartitionReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var partition = context.Partition;
        var file = partition.File;
        var separator = Separator(context.Options);
        var reader = new CsvChunkReader(file.Location.ToString(), context, separator);
        var stream = await CompressedText.OpenAsync(context.Store, file, cancellationToken).ConfigureAwait(false);
        try
        {
            reader.MapColumns(stream);
            if (!stream.CanSeek)
            {
                // Compressed text cannot go back to the start after the header: read it again from the beginning.
                await stream.DisposeAsync().ConfigureAwait(false);
                stream = await CompressedText.OpenAsync(context.Store, file, cancellationToken).ConfigureAwait(false);
            }

            using var records = CsvRecordReader.Open(stream, partition.Start, partition.Length, separator);
            long firstRow = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = context.Pool.Rent();
                batch.FirstRowInPartition = firstRow;
                var rows = reader.Fill(records, batch, firstRow, skipHeader: partition.Start == 0 && context.Options.HasHeader);
                if (rows == 0)
                {
                    context.Pool.Return(batch);
                    yield break;
                }

                firstRow += rows;
                yield return batch;
            }
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static byte Separator(DataSourceOptions options) =>
        options.Separator is <= (char)127 and not ('"' or '\r' or '\n')
            ? (byte)options.Separator
            : throw new MlNetBatchException($"The CSV separator '{options.Separator}' must be a single-byte (ASCII) character other than a quote or a line break.");
}
