using System.Diagnostics;
using System.Globalization;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Storage.S3;
using MlNetBatch.Testing.Emulators;
using Parquet;
using Parquet.Schema;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// Proof of streaming: a Parquet object of about 1 GB on a real s3rver is scored by a job with a trivial model while
/// the process's peak resident memory is measured, to show it stays far below the object's size.
/// </summary>
internal static class StreamingProof
{
    private const int RowsPerGroup = 50_000;
    private const int Columns = 64;

    public static async Task RunAsync(string work, double gigabytes)
    {
        Console.WriteLine();
        Console.WriteLine($"Streaming proof: a {gigabytes:N1} GB Parquet object on s3rver, scored by a trivial model");
        var input = Path.Combine(work, "big.parquet");
        var rows = await WriteBigParquetAsync(input, (long)(gigabytes * 1024 * 1024 * 1024));
        var size = new FileInfo(input).Length;

        await using var s3 = await BenchS3.StartAsync(work, "big");
        var store = s3.Store;
        await using (var write = await store.CreateAsync(ObjectLocation.Parse("s3://big/in/big.parquet")))
        await using (var source = File.OpenRead(input))
        {
            await source.CopyToAsync(write.Stream);
            await write.CommitAsync();
        }

        File.Delete(input);
        var model = Path.Combine(work, "double.onnx");
        new Samples.Generator.OnnxModelBuilder("sum")
            .AddInput("x", OnnxElementType.Float, "batch", Columns)
            .AddOutput("y", OnnxElementType.Float, "batch", 1)
            .AddInitializer("axes", [1L], 1)
            .AddNode("ReduceSum", ["x", "axes"], ["y"], OnnxAttribute.Int("keepdims", 1))
            .Save(model);
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = "s3://big/in/big.parquet" },
            Model = new MlNetBatch.Jobs.Models.ModelDefinition
            {
                ModelPath = model,
                Device = OnnxDevice.Cpu,
                ConcatenatedInputs = { ["x"] = Enumerable.Range(0, Columns).Select(ColumnName).ToList() },
            },
            Sink = new SinkDefinition { Path = Path.Combine(work, "big-out"), Columns = ["id", "y"] },
        };

        GC.Collect();
        ResetPeakResidentMemory();
        var before = ResidentMemory("VmRSS");
        var stopwatch = Stopwatch.StartNew();
        var summary = await new JobRunner(new ObjectStoreResolver([store]), new JobPaths(work)).RunAsync("big", job);
        stopwatch.Stop();
        var peak = ResidentMemory("VmHWM");
        Console.WriteLine($"  {summary.RowsOut:N0} of {rows:N0} rows scored from a {size / 1048576.0:N0} MiB object in {stopwatch.Elapsed.TotalSeconds:N1} s ({size / 1048576.0 / stopwatch.Elapsed.TotalSeconds:N0} MiB/s)");
        Console.WriteLine($"  resident memory: {before / 1048576.0:N0} MiB before the job (the rest of the benchmark), peak {peak / 1048576.0:N0} MiB during it:");
        Console.WriteLine($"  the job added at most {(peak - before) / 1048576.0:N0} MiB = {(double)(peak - before) / size:P0} of the object's size (a few row groups of {RowsPerGroup:N0} rows in flight per partition)");
    }

    private static string ColumnName(int i) => $"c{i:D2}";

    /// <summary>A file of an id and 64 float columns, written row group by row group.</summary>
    private static async Task<long> WriteBigParquetAsync(string path, long targetBytes)
    {
        var id = new DataField<long>("id");
        var fields = Enumerable.Range(0, Columns).Select(i => new DataField<float>(ColumnName(i))).ToArray();
        var schema = new ParquetSchema([id, .. fields]);
        var ids = new long[RowsPerGroup];
        var values = new float[RowsPerGroup];
        var random = new Random(1);
        long rows = 0;
        await using var stream = File.Create(path);
        // No compression and no dictionary: random values would not shrink anyway, and the size should be what it says.
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.None, DictionaryEncodingThreshold = 0 });
        while (stream.Length < targetBytes)
        {
            for (var i = 0; i < RowsPerGroup; i++)
            {
                ids[i] = rows + i;
            }

            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(id, ids, null, null, default);
            foreach (var field in fields)
            {
                for (var i = 0; i < RowsPerGroup; i++)
                {
                    values[i] = (float)random.NextDouble();
                }

                await group.WriteAsync<float>(field, values, null, null, default);
            }

            group.CompleteValidate();
            rows += RowsPerGroup;
            await stream.FlushAsync();
        }

        return rows;
    }

    /// <summary>Writing 5 to clear_refs resets the kernel's peak-RSS counter (VmHWM) of this process.</summary>
    private static void ResetPeakResidentMemory()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            Console.WriteLine("  (could not reset the peak-memory counter; the peak below includes earlier work)");
        }
    }

    private static long ResidentMemory(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }
}
