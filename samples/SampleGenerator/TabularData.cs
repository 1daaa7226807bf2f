using Parquet;
using Parquet.Schema;

namespace MlNetBatch.Samples.Generator;

/// <summary>Writes the sample tabular data set: an <c>id</c> column plus the 16 model features.</summary>
public static class TabularData
{
    /// <summary>Name of the row-identifier column.</summary>
    public const string IdColumn = "id";

    /// <summary>Feature column names, <c>f00</c>..<c>f15</c>, in model input order.</summary>
    public static IReadOnlyList<string> FeatureColumns { get; } =
        Enumerable.Range(0, TabularModel.FeatureCount).Select(i => $"f{i:D2}").ToArray();

    /// <summary>
    /// Writes <paramref name="rows"/> rows with ids <paramref name="firstId"/> onwards to a Parquet file,
    /// in row groups of at most <paramref name="rowGroupSize"/> rows.
    /// </summary>
    public static async Task WriteParquetAsync(string path, long firstId, int rows, int rowGroupSize, int seed)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowGroupSize);

        // DataField<T> with a non-nullable T gives a required column, which is what the
        // batch pipeline expects for model inputs (no null handling on the hot path).
        var idField = new DataField<long>(IdColumn);
        var featureFields = FeatureColumns.Select(name => new DataField<float>(name)).ToArray();
        var schema = new ParquetSchema([idField, .. featureFields]);

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var random = new Random(seed);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);

        for (var start = 0; start < rows; start += rowGroupSize)
        {
            var count = Math.Min(rowGroupSize, rows - start);
            var ids = new long[count];
            var features = new float[TabularModel.FeatureCount][];
            for (var f = 0; f < features.Length; f++)
            {
                features[f] = new float[count];
            }

            // Row-major draws keep the values for a given id independent of the row-group size.
            for (var r = 0; r < count; r++)
            {
                ids[r] = firstId + start + r;
                for (var f = 0; f < features.Length; f++)
                {
                    features[f][r] = NextFeature(random);
                }
            }

            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync<long>(idField, ids, null, null, default);
            for (var f = 0; f < featureFields.Length; f++)
            {
                await rowGroup.WriteAsync<float>(featureFields[f], features[f], null, null, default);
            }

            rowGroup.CompleteValidate();
        }
    }

    // Irwin–Hall with four uniforms: bell-shaped, mean 0, and bounded to [-2, 2] without clamping.
    private static float NextFeature(Random random) =>
        (float)(random.NextDouble() + random.NextDouble() + random.NextDouble() + random.NextDouble() - 2.0);
}
