namespace MlNetBatch.Sinks;

/// <summary>The codec that compresses a Parquet file's pages.</summary>
public enum ParquetCompression
{
    /// <summary>Pages stored as encoded.</summary>
    Uncompressed,

    /// <summary>Snappy: fast, modest ratio; what Spark and pyarrow write by default.</summary>
    Snappy,

    /// <summary>Zstandard: a better ratio than Snappy at a little more processor time; levels 1–22.</summary>
    Zstd,

    /// <summary>Gzip (zlib deflate): read everywhere, slow to write; levels 1–9.</summary>
    Gzip,

    /// <summary>LZ4 (the format's LZ4_RAW codec): the fastest to decompress.</summary>
    Lz4,

    /// <summary>Brotli: a high ratio, slow to write; levels 0–11.</summary>
    Brotli,
}
