using System.Collections.Concurrent;
using Microsoft.ML;
using MlNetBatch.Formats;

using MlNetBatch.Storage;

namespace MlNetBatch.Data;

/// <summary>
/// A streaming ML.NET <see cref="IDataView"/> over a <see cref="PartitionedDataSource"/>. Each cursor decodes
/// partitions chunk by chunk on a background task, a bounded number of chunks ahead, so memory does not grow
/// with the input; <see cref="GetRowCursorSet"/> shares the partitions among parallel cursors.
/// </summary>
public sealed class PartitionedDataView : IDataView
{
    private readonly bool _sequential;

    internal PartitionedDataView(PartitionedDataSource source)
        : this(source, source.BuildSchema(), sequential: false)
    {
    }

    private PartitionedDataView(PartitionedDataSource source, DataViewSchema schema, bool sequential)
    {
        Source = source;
        Schema = schema;
        _sequential = sequential;
    }

    /// <summary>What the view reads.</summary>
    public PartitionedDataSource Source { get; }

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public long? GetRowCount()
    {
        // Only answer when it costs no I/O: once partitions are planned and every one knows its size.
        var planned = Source.GetPartitionsAsync();
        if (!planned.IsCompletedSuccessfully)
        {
            return null;
        }

        long total = 0;
        foreach (var partition in planned.Result)
        {
            if (partition.RowCount is not { } rows)
            {
                return null;
            }

            total += rows;
        }

        return total;
    }

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        CreateCursor(ActiveColumns(columnsNeeded), new ConcurrentQueue<Partition>(Plan()));

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var active = ActiveColumns(columnsNeeded);
        var partitions = Plan();
        // Cursors pull partitions from one shared queue, so a slow partition does not hold back the others.
        var queue = new ConcurrentQueue<Partition>(partitions);
        var count = Math.Max(1, Math.Min(n, partitions.Count));
        var cursors = new DataViewRowCursor[count];
        for (var i = 0; i < count; i++)
        {
            cursors[i] = CreateCursor(active, queue);
        }

        return cursors;
    }

    /// <summary>
    /// The same view, but its cursors decode each chunk on the consumer's thread when asked for it, instead of on a
    /// background task ahead of the consumer: for a job that already runs a partition per core.
    /// </summary>
    internal PartitionedDataView ReadingOnConsumerThread() => new(Source, Schema, sequential: true);

    /// <summary>What the format needs to decode <paramref name="partition"/>'s active columns into batches of <paramref name="pool"/>.</summary>
    internal PartitionReadContext ContextFor(Partition partition, bool[] active, RecordBatchPool pool) =>
        new(MeteredObjectStore.For(Source.Resolver.Resolve(partition.File.Location), partition.File.Location, input: true), partition, Source.Columns, active, Source.Options, pool, Source.BadRecords, Source.Statistics);

    private BlockRowCursor CreateCursor(bool[] active, ConcurrentQueue<Partition> partitions) => _sequential
        ? new SequentialPartitionCursor(this, active, partitions)
        : new PartitionedRowCursor(this, active, partitions);

    private IReadOnlyList<Partition> Plan() => Source.GetPartitionsAsync().GetAwaiter().GetResult();

    private bool[] ActiveColumns(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }

        return active;
    }
}
