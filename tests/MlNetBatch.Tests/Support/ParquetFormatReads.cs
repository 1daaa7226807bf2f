using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Formats;
using MlNetBatch.Formats.Parquet;
using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Support;

/// <summary>
/// Reads a Parquet file through the format itself, partition by partition, into batches that are kept: for column
/// types no schema string names (variable vectors, <see cref="DateTimeOffset"/>) and for looking at the chunks.
/// </summary>
public static class ParquetFormatReads
{
    public static async Task<List<RecordBatch>> ReadAsync(
        string path, IReadOnlyList<SourceColumn> columns, DataSourceOptions? options = null, IBadRecordSink? badRecords = null,
        ParquetFormat? format = null, IObjectStore? store = null, Action<RecordBatch>? onBatch = null)
    {
        options ??= new DataSourceOptions();
        format ??= ParquetFormat.Instance;
        store ??= new LocalObjectStore();
        var location = ObjectLocation.Local(path);
        var file = await store.StatAsync(location);
        var schemaBuilder = new DataViewSchema.Builder();
        foreach (var column in columns)
        {
            schemaBuilder.AddColumn(column.Name, column.Type);
        }

        var active = Enumerable.Repeat(true, columns.Count).ToArray();
        // Batches are never returned, so each stays as it was read.
        var pool = new RecordBatchPool(schemaBuilder.ToSchema(), active, options.ChunkRows);
        var batches = new List<RecordBatch>();
        var spans = await format.PlanAsync(store, file, options, CancellationToken.None);
        for (var p = 0; p < spans.Count; p++)
        {
            var span = spans[p];
            var partition = new Partition(p, $"{path}#rowgroups={span.Start}-{span.Start + span.Length - 1}", file, span.Kind, span.Start, span.Length, span.RowCount, $"part-{p}");
            var context = new PartitionReadContext(store, partition, columns, active, options, pool, badRecords);
            await foreach (var batch in format.ReadAsync(context, CancellationToken.None))
            {
                onBatch?.Invoke(batch);
                batches.Add(batch);
            }
        }

        return batches;
    }
}
