using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats;

/// <summary>What a format needs to decode one partition.</summary>
/// <param name="Store">The store holding the file.</param>
/// <param name="Partition">The partition to read.</param>
/// <param name="Columns">The source's columns, in schema order.</param>
/// <param name="Active">Which columns to decode, by schema index.</param>
/// <param name="Options">The source's options.</param>
/// <param name="Pool">Where batches come from.</param>
/// <param name="BadRecords">Where rows that cannot be read go; when null, such a row fails the read.</param>
/// <param name="Statistics">Where missing values read as NaN are counted, if anywhere.</param>
public sealed record PartitionReadContext(
    IObjectStore Store,
    Partition Partition,
    IReadOnlyList<SourceColumn> Columns,
    bool[] Active,
    DataSourceOptions Options,
    RecordBatchPool Pool,
    IBadRecordSink? BadRecords = null,
    ReadStatistics? Statistics = null);
