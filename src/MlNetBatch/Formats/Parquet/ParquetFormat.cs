using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Formats.Parquet.Reading;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats.Parquet;

/// <summary>
/// Reads Apache Parquet through ParquetSharp (Apache Arrow's C++ implementation): the schema from the footer, one
/// partition per range of row groups, and only the columns the pipeline asks for, a chunk of rows at a time.
/// </summary>
public sealed class ParquetFormat : IDataFormat
{
    private readonly ChunkReadPolicy _reads;

    /// <summary>Creates a reader; <see cref="Instance"/> is the usual one.</summary>
    public ParquetFormat()
        : this(ChunkReadPolicy.Default)
    {
    }

    /// <summary>A reader that reads column chunks as <paramref name="reads"/> says (tests use small buffers).</summary>
    internal ParquetFormat(ChunkReadPolicy reads)
    {
        _reads = reads;
    }

    /// <summary>The shared instance.</summary>
    public static ParquetFormat Instance { get; } = new();

    /// <inheritdoc />
    public DataFormatKind Kind => DataFormatKind.Parquet;

    /// <inheritdoc />
    public async Task<IReadOnlyList<SourceColumn>> InferSchemaAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        await using var parquet = await ParquetFile.OpenAsync(store, file, _reads, cancellationToken).ConfigureAwait(false);
        var columns = new List<SourceColumn>();
        foreach (var field in parquet.Fields)
        {
            if (field.Leaf is { Kind: ParquetValueKind.Binary, IsList: false, Physical: ParquetSharp.PhysicalType.ByteArray })
            {
                // Raw bytes (encoded images, say) read as a variable-size byte vector.
                columns.Add(new SourceColumn(field.Name, new VectorDataViewType(NumberDataViewType.Byte)));
                continue;
            }

            if (field.Leaf is not { } leaf || ParquetTypeMapping.ToItemType(leaf) is not { } itemType)
            {
                // Structures, maps and the like have no ML.NET counterpart; they stay in the file, unread.
                continue;
            }

            if (!leaf.IsList)
            {
                columns.Add(new SourceColumn(field.Name, itemType));
            }
            else if (itemType is not TextDataViewType)
            {
                // A declared column takes its declared size; measuring would refuse lists of varying length.
                var size = options.Columns?.ContainsKey(field.Name) == true ? 0 : ListSize(parquet, leaf, field.Name);
                columns.Add(new SourceColumn(field.Name, new VectorDataViewType(itemType, size)));
            }
        }

        return columns;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PartitionSpan>> PlanAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        await using var parquet = await ParquetFile.OpenAsync(store, file, _reads, cancellationToken).ConfigureAwait(false);
        var rowGroups = new RowGroupExtent[parquet.Metadata.NumRowGroups];
        for (var g = 0; g < rowGroups.Length; g++)
        {
            rowGroups[g] = Extent(parquet, g);
        }

        return RowGroupPartitioner.Plan(rowGroups, options);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordBatch> ReadAsync(PartitionReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var partition = context.Partition;
        await using var parquet = await ParquetFile.OpenAsync(context.Store, partition.File, _reads, cancellationToken).ConfigureAwait(false);
        var leaves = ParquetColumns.Resolve(parquet, context);
        parquet.ReadingColumns(leaves.Count(l => l is not null));
        var chunks = new RowGroupChunks(parquet, context, leaves);
        long firstRow = 0;
        for (var g = (int)partition.Start; g < partition.Start + partition.Length; g++)
        {
            if (g >= parquet.Metadata.NumRowGroups)
            {
                throw new DataFormatException(parquet.Name, $"row group {g} does not exist; the file changed after the job was planned.");
            }

            var rows = chunks.Open(g);
            try
            {
                for (long done = 0; done < rows; done += context.Options.ChunkRows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var count = (int)Math.Min(context.Options.ChunkRows, rows - done);
                    var batch = chunks.Read(count, firstRow);
                    firstRow += count;
                    yield return batch;
                }
            }
            finally
            {
                chunks.Close();
            }
        }
    }

    private static RowGroupExtent Extent(ParquetFile parquet, int rowGroup)
    {
        using var reader = parquet.RowGroup(rowGroup);
        var metadata = reader.MetaData;
        long compressed = 0;
        for (var c = 0; c < metadata.NumColumns; c++)
        {
            using var chunk = metadata.GetColumnChunkMetaData(c);
            compressed += chunk.TotalCompressedSize;
        }

        return new RowGroupExtent(metadata.NumRows, compressed);
    }

    private static int ListSize(ParquetFile parquet, ParquetLeaf leaf, string column)
    {
        for (var g = 0; g < parquet.Metadata.NumRowGroups; g++)
        {
            using var rowGroup = parquet.RowGroup(g);
            var metadata = rowGroup.MetaData;
            if (metadata.NumRows == 0)
            {
                continue;
            }

            using var chunk = metadata.GetColumnChunkMetaData(leaf.ColumnIndex);
            var values = chunk.NumValues;
            if (values % metadata.NumRows != 0 || values == 0)
            {
                break;
            }

            return checked((int)(values / metadata.NumRows));
        }

        // No rows to measure: MlNetBatch's own output records each vector's length beside the schema.
        if (parquet.Metadata.KeyValueMetadata?.TryGetValue(ParquetTypeMapping.VectorSizeKey(column), out var recorded) == true
            && int.TryParse(recorded, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
        {
            return size;
        }

        throw new DataFormatException(parquet.Name,
            "lists of varying or unknown length cannot be inferred as a fixed-size vector; declare the column's size in the source's Columns (for example float[16]).", column);
    }
}
