namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>The Parquet codecs MlNetBatch writes, with their numbers in the Parquet format.</summary>
internal enum CompressionCodec
{
    Uncompressed = 0,
    Snappy = 1,
}
