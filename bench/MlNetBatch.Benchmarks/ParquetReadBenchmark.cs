using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Formats;
using MlNetBatch.Samples.Generator;
using ParquetSharp;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// Read-only speed of the Parquet source on the same data written three ways: by Parquet.Net (plain, Snappy), with
/// Apache Arrow's defaults as pyarrow writes them (dictionary, Snappy), and with dictionary and zstd.
/// </summary>
/// <remarks>Usage: <c>--parquet-read [rows] [row group rows]</c>; defaults 2,000,000 rows in row groups of 50,000.</remarks>
internal static class ParquetReadBenchmark
{
    private const int Repetitions = 3;

    public static async Task RunAsync(string work, int rows, int rowGroupRows)
    {
        Directory.CreateDirectory(work);
        var parquetNet = Path.Combine(work, "parquet-net.parquet");
        await TabularData.WriteParquetAsync(parquetNet, 0, rows, rowGroupRows, seed: 1);
        var (ids, features) = ReadBack(parquetNet, rows);
        var arrowSnappy = Path.Combine(work, "arrow-dictionary-snappy.parquet");
        var arrowZstd = Path.Combine(work, "arrow-dictionary-zstd.parquet");
        WriteWithArrow(arrowSnappy, ids, features, rowGroupRows, Compression.Snappy);
        WriteWithArrow(arrowZstd, ids, features, rowGroupRows, Compression.Zstd);

        Console.WriteLine($"Parquet read: {rows:N0} rows x (id + 16 float) in row groups of {rowGroupRows:N0}, all columns, in blocks as a job reads; {Environment.ProcessorCount} cores");
        var ml = new MLContext(seed: 0);
        foreach (var (name, path) in new[] { ("Parquet.Net file (plain, Snappy)", parquetNet), ("pyarrow defaults (dictionary, Snappy)", arrowSnappy), ("dictionary, zstd", arrowZstd) })
        {
            var view = ml.Data.LoadFromParquet(path);
            var blocks = Measurement.Run($"{name}, {new FileInfo(path).Length / (1 << 20)} MiB", rows, Repetitions, () => Drain.Blocks(view));
            var format = Measurement.Run("  the format alone, one thread, no cursor", rows, Repetitions, () => ReadPartitions(view.Source, view.Schema).GetAwaiter().GetResult());
            Console.WriteLine($"    CPU per row: {blocks.CpuMicrosecondsPerRow:N3} us in blocks, {format.CpuMicrosecondsPerRow:N3} us the format alone");
        }
    }

    /// <summary>Every partition through the format's own reader on this thread: decoding without the cursor's hand-offs.</summary>
    private static async Task ReadPartitions(PartitionedDataSource source, DataViewSchema schema)
    {
        var active = Enumerable.Repeat(true, schema.Count).ToArray();
        var pool = new RecordBatchPool(schema, active, source.Options.ChunkRows);
        foreach (var partition in await source.GetPartitionsAsync())
        {
            var context = new PartitionReadContext(source.Resolver.Resolve(partition.File.Location), partition, source.Columns, active, source.Options, pool);
            await foreach (var batch in source.Format.ReadAsync(context, CancellationToken.None))
            {
                pool.Return(batch);
            }
        }
    }

    internal static (long[] Ids, float[][] Features) ReadBack(string path, int rows)
    {
        var ids = new long[rows];
        var features = Enumerable.Range(0, TabularData.FeatureColumns.Count).Select(_ => new float[rows]).ToArray();
        using var file = new ParquetFileReader(path);
        var start = 0;
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var rowGroup = file.RowGroup(g);
            var count = checked((int)rowGroup.MetaData.NumRows);
            using (var reader = rowGroup.Column(0).LogicalReader<long>())
            {
                reader.ReadBatch(ids.AsSpan(start, count));
            }

            for (var f = 0; f < features.Length; f++)
            {
                using var reader = rowGroup.Column(f + 1).LogicalReader<float>();
                reader.ReadBatch(features[f].AsSpan(start, count));
            }

            start += count;
        }

        return (ids, features);
    }

    internal static void WriteWithArrow(string path, long[] ids, float[][] features, int rowGroupRows, Compression compression)
    {
        var columns = new Column[] { new Column<long>(TabularData.IdColumn) }
            .Concat(TabularData.FeatureColumns.Select(name => new Column<float>(name))).ToArray();
        // EnableDictionary: Arrow's (and so pyarrow's) default, which Polars and Spark share.
        using var properties = new WriterPropertiesBuilder().Compression(compression).EnableDictionary().Build();
        using var file = new ParquetFileWriter(path, columns, properties);
        for (var start = 0; start < ids.Length; start += rowGroupRows)
        {
            var count = Math.Min(rowGroupRows, ids.Length - start);
            using var rowGroup = file.AppendRowGroup();
            using (var writer = rowGroup.NextColumn().LogicalWriter<long>())
            {
                writer.WriteBatch(ids.AsSpan(start, count));
            }

            foreach (var values in features)
            {
                using var writer = rowGroup.NextColumn().LogicalWriter<float>();
                writer.WriteBatch(values.AsSpan(start, count));
            }
        }

        file.Close();
    }
}
