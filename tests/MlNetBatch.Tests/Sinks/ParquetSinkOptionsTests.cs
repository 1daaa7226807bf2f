using MlNetBatch.Sinks;

namespace MlNetBatch.Tests.Sinks;

public class ParquetSinkOptionsTests
{
    [Fact]
    public void Ctor_Ok()
    {
        var options = new ParquetSinkOptions();

        Assert.Equal(ParquetCompression.Snappy, options.Compression);
        Assert.Null(options.CompressionLevel);
        Assert.Equal(1_048_576, options.RowGroupRows);
        Assert.Equal(128L * 1024 * 1024, options.RowGroupBytes);
        Assert.Empty(options.Problems());
    }

    [Fact]
    public void InvalidOptions_report_every_problem()
    {
        var options = new ParquetSinkOptions { Compression = ParquetCompression.Zstd, CompressionLevel = 30, RowGroupRows = 0, RowGroupBytes = -1 };

        var error = Assert.Throws<ArgumentException>(options.ThrowIfInvalid);

        Assert.Equal(
            "Invalid Parquet sink options: CompressionLevel: Zstd takes levels 1–22 (got 30). RowGroupRows: must be greater than zero (got 0). "
            + "RowGroupBytes: must be greater than zero (got -1).",
            error.Message);
    }

    [Theory]
    [InlineData(ParquetCompression.Snappy, 1, "CompressionLevel: Snappy has no levels; remove the setting.")]
    [InlineData(ParquetCompression.Gzip, 0, "CompressionLevel: Gzip takes levels 1–9 (got 0).")]
    [InlineData((ParquetCompression)42, null, "Compression: '42' is not a codec; use Uncompressed, Snappy, Zstd, Gzip, Lz4, Brotli.")]
    public void A_level_the_codec_does_not_take_is_named(ParquetCompression codec, int? level, string problem)
    {
        Assert.Equal([problem], new ParquetSinkOptions { Compression = codec, CompressionLevel = level }.Problems());
    }
}
