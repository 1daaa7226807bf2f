using System.Globalization;

namespace MlNetBatch.Sinks;

/// <summary>
/// How Parquet output is written: the codec and the size of row groups. Bound from a job's <c>Sink:Parquet</c>
/// section or passed to <c>SaveAsParquet</c>.
/// </summary>
/// <remarks>
/// None of these change the values written, only how they are stored, so changing them does not invalidate a job's
/// earlier output: a resumed run may write its remaining partitions with other settings.
/// </remarks>
public sealed class ParquetSinkOptions
{
    /// <summary>The default <see cref="RowGroupRows"/>: about a million rows, as Arrow and DuckDB write.</summary>
    public const int DefaultRowGroupRows = 1 << 20;

    /// <summary>The default <see cref="RowGroupBytes"/>: 128 MiB, the row-group size Spark and Trino plan splits around.</summary>
    public const long DefaultRowGroupBytes = 128L << 20;

    /// <summary>The codec for every column.</summary>
    /// <value>The default is <see cref="ParquetCompression.Snappy"/>.</value>
    public ParquetCompression Compression { get; set; } = ParquetCompression.Snappy;

    /// <summary>The codec's level (Zstd 1–22, Gzip 1–9, Brotli 0–11); absent means the codec's own default.</summary>
    /// <value>The default is none.</value>
    public int? CompressionLevel { get; set; }

    /// <summary>The most rows in one row group.</summary>
    /// <value>The default is 1,048,576.</value>
    public int RowGroupRows { get; set; } = DefaultRowGroupRows;

    /// <summary>
    /// The most bytes of values in one row group, counted as the writer receives them: 4 or 8 bytes per number, one
    /// per flag, the UTF-8 bytes of text. The row group in the file is at most about this size, usually smaller once
    /// encoded and compressed; the writer holds one row group in memory, compressed, until it is complete.
    /// </summary>
    /// <value>The default is 128 MiB.</value>
    public long RowGroupBytes { get; set; } = DefaultRowGroupBytes;

    /// <summary>Whether every setting has its default value.</summary>
    internal bool IsDefault() =>
        Compression == ParquetCompression.Snappy && CompressionLevel is null && RowGroupRows == DefaultRowGroupRows && RowGroupBytes == DefaultRowGroupBytes;

    /// <summary>Each problem with these settings, as <c>Setting: what is wrong</c>.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Enum.IsDefined(Compression))
        {
            yield return $"Compression: '{Compression}' is not a codec; use {string.Join(", ", Enum.GetNames<ParquetCompression>())}.";
        }
        else if (CompressionLevel is { } level && LevelRange(Compression) is var (min, max) && (level < min || level > max || min > max))
        {
            yield return min > max
                ? $"CompressionLevel: {Compression} has no levels; remove the setting."
                : $"CompressionLevel: {Compression} takes levels {min}–{max} (got {level.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (RowGroupRows < 1)
        {
            yield return $"RowGroupRows: must be greater than zero (got {RowGroupRows.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (RowGroupBytes < 1)
        {
            yield return $"RowGroupBytes: must be greater than zero (got {RowGroupBytes.ToString(CultureInfo.InvariantCulture)}).";
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem, for callers of the library API.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Problems().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid Parquet sink options: {string.Join(" ", problems)}");
        }
    }

    /// <summary>Copies these options.</summary>
    public ParquetSinkOptions Clone() => (ParquetSinkOptions)MemberwiseClone();

    /// <summary>The levels a codec accepts; an empty range (min above max) when it takes none.</summary>
    private static (int Min, int Max) LevelRange(ParquetCompression codec) => codec switch
    {
        ParquetCompression.Zstd => (1, 22),
        ParquetCompression.Gzip => (1, 9),
        ParquetCompression.Brotli => (0, 11),
        _ => (1, 0),
    };
}
