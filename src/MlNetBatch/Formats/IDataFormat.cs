using MlNetBatch.Data;
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
