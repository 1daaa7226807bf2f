using MlNetBatch.Samples.Generator;

namespace MlNetBatch.Benchmarks;

/// <summary>The bench's inputs: the sample tabular model, and its 16-feature rows spread over a few Parquet files.</summary>
internal static class BenchInputs
{
    /// <summary>How many files the rows are spread over: a job's partitions, two per core on the 2-core machine.</summary>
    public const int Files = 4;

    /// <summary>Row-group size of the written files.</summary>
    public const int RowGroupRows = 50_000;

    /// <summary>Writes the sample model into <paramref name="work"/>; returns its path.</summary>
    public static string WriteModel(string work)
    {
        var path = Path.Combine(work, "tabular-mlp.onnx");
        File.WriteAllBytes(path, TabularModel.Build());
        return path;
    }

    /// <summary>
    /// Writes <paramref name="rows"/> rows (rounded down to a multiple of <see cref="Files"/>) with ids from 0 into
    /// <paramref name="folder"/> under <paramref name="work"/>; returns the files' glob and the rows written.
    /// </summary>
    public static async Task<(string Glob, int Rows)> WriteRowsAsync(string work, string folder, int rows)
    {
        var perFile = rows / Files;
        for (var f = 0; f < Files; f++)
        {
            await TabularData.WriteParquetAsync(Path.Combine(work, folder, $"part-{f:D5}.parquet"), (long)f * perFile, perFile, RowGroupRows, seed: f + 1);
        }

        return (Path.Combine(work, folder, "*.parquet"), perFile * Files);
    }
}
