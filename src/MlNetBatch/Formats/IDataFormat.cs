using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats;

/// <summary>Reads one file format: infers a schema, cuts a file into partitions, decodes a partition into batches.</summary>
public interface IDataFormat
{
    /// <summary>The format this reader decodes.</summary>
    DataFormatKind Kind { get; }

    /// <summary>Infers the columns of <paramref name="file"/> (Parquet: from its footer; text formats: from a sample).</summary>
    Task<IReadOnlyList<SourceColumn>> InferSchemaAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken);

    /// <summary>Cuts <paramref name="file"/> into independently readable spans.</summary>
    Task<IReadOnlyList<PartitionSpan>> PlanAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Decodes a partition into batches rented from the context's pool. Only active columns are read;
    /// a value that cannot be converted to its column's type fails with a <see cref="DataFormatException"/>.
    /// </summary>
    IAsyncEnumerable<RecordBatch> ReadAsync(PartitionReadContext context, CancellationToken cancellationToken);
}

/// <summary>A span of a file that a format can read on its own.</summary>
/// <param name="Kind">How the file is cut.</param>
/// <param name="Start">First row group, or first byte.</param>
/// <param name="Length">Number of row groups, or of bytes.</param>
/// <param name="RowCount">Rows in the span when known before reading.</param>
public sealed record PartitionSpan(PartitionKind Kind, long Start, long Length, long? RowCount);

/// <summary>What a format needs to decode one partition.</summary>
/// <param name="Store">The store holding the file.</param>
/// <param name="Partition">The partition to read.</param>
/// <param name="Columns">The source's columns, in schema order.</param>
/// <param name="Active">Which columns to decode, by schema index.</param>
/// <param name="Options">The source's options.</param>
/// <param name="Pool">Where batches come from.</param>
/// <param name="BadRecords">Where rows that cannot be read go; when null, such a row fails the read.</param>
public sealed record PartitionReadContext(
    IObjectStore Store,
    Partition Partition,
    IReadOnlyList<SourceColumn> Columns,
    bool[] Active,
    DataSourceOptions Options,
    RecordBatchPool Pool,
    IBadRecordSink? BadRecords = null);
