using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats.Images;

/// <summary>
/// Reads a set of image files as one row per image: <c>path</c> and <c>bytes</c> (the encoded file). The files are
/// fetched concurrently with a bound on the bytes in flight (<see cref="DataSourceOptions.FetchConcurrency"/>,
/// <see cref="DataSourceOptions.MaxBytesInFlight"/>) and partitioned by listing order into runs of
/// <see cref="DataSourceOptions.FilesPerPartition"/>. Decoding is a pipeline stage (<c>DecodeImage</c>), not the source's.
/// </summary>
public sealed class ImagesFormat : IFileSetFormat
{
    // A block of images is decoded by one worker: small blocks spread a partition over the cores, and bound the
    // encoded bytes a block holds, where a text format's 8192-row chunk would hold hundreds of megabytes.
    private const int MaxRowsPerChunk = 32;
    private const long MaxBytesPerChunk = 16L << 20;

    private ImagesFormat()
    {
    }

    /// <summary>The shared instance.</summary>
    public static ImagesFormat Instance { get; } = new();

    /// <inheritdoc />
    public DataFormatKind Kind => DataFormatKind.Images;

    /// <inheritdoc />
    public bool Includes(ObjectInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return ImageFileTypes.IsImage(file.Location.Key);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SourceColumn>> InferSchemaAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(ImageSourceColumns.All);

    /// <inheritdoc />
    /// <remarks>Not used: an image source is partitioned by files (<see cref="IFileSetFormat"/>); a lone file is one partition.</remarks>
    public Task<IReadOnlyList<PartitionSpan>> PlanAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PartitionSpan>>([new PartitionSpan(PartitionKind.Files, 0, 1, 1)]);

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordBatch> ReadAsync(PartitionReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (pathColumn, bytesColumn) = ColumnsOf(context);
        var files = context.Partition.Files.Count > 0 ? context.Partition.Files : [context.Partition.File];
        var rowsPerChunk = Math.Min(MaxRowsPerChunk, context.Options.ChunkRows);
        RecordBatch? batch = null;
        long bytesInChunk = 0;
        long firstRow = 0;
        try
        {
            await foreach (var fetched in FileFetcher.FetchAsync(context.Store, files, context.Options.FetchConcurrency, context.Options.MaxBytesInFlight, cancellationToken).ConfigureAwait(false))
            {
                if (batch is null)
                {
                    batch = context.Pool.Rent();
                    batch.FirstRowInPartition = firstRow;
                    bytesInChunk = 0;
                }

                var row = batch.RowCount++;
                if (pathColumn >= 0)
                {
                    batch.Column<TextColumnBuffer>(pathColumn).Set(row, fetched.File.Location.ToString().AsMemory());
                }

                if (bytesColumn >= 0)
                {
                    // The row's vector keeps its array from block to block; only a larger image grows it.
                    ref var slot = ref batch.Column<VariableVectorColumnBuffer<byte>>(bytesColumn).Values[row];
                    var editor = VBufferEditor.Create(ref slot, fetched.Length, keepOldOnResize: false);
                    fetched.Buffer.AsSpan(0, fetched.Length).CopyTo(editor.Values);
                    slot = editor.Commit();
                }

                bytesInChunk += fetched.Length;
                if (batch.RowCount == rowsPerChunk || bytesInChunk >= MaxBytesPerChunk)
                {
                    firstRow += batch.RowCount;
                    var full = batch;
                    batch = null;
                    yield return full;
                }
            }
        }
        finally
        {
            if (batch is { RowCount: 0 })
            {
                context.Pool.Return(batch);
                batch = null;
            }
        }

        if (batch is not null)
        {
            yield return batch;
        }
    }

    private static (int Path, int Bytes) ColumnsOf(PartitionReadContext context)
    {
        int path = -1, bytes = -1;
        for (var i = 0; i < context.Columns.Count; i++)
        {
            var column = context.Columns[i];
            var known = column.Name switch
            {
                ImageSourceColumns.Path when column.Type is TextDataViewType => true,
                ImageSourceColumns.Bytes when column.Type.Equals(ImageSourceColumns.BytesType) => true,
                _ => false,
            };
            if (!known)
            {
                throw new DataFormatException(context.Partition.File.Location.ToString(),
                    $"an Images source has the columns path (string) and bytes (bytes); it cannot serve '{column.Name}' as {ColumnTypeNames.Format(column.Type)}.", column.Name);
            }

            if (context.Active[i])
            {
                _ = column.Name == ImageSourceColumns.Path ? path = i : bytes = i;
            }
        }

        return (path, bytes);
    }
}
