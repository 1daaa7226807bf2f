using MlNetBatch.Formats.Parquet.Pages;

namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>Where one column chunk (a single data page) landed in the file, and what it holds: the footer's record of it.</summary>
/// <param name="Offset">The file offset of its page header.</param>
/// <param name="Codec">How its page body is compressed.</param>
/// <param name="ValueCount">Values, counting every list item.</param>
/// <param name="UncompressedSize">Header plus uncompressed body, in bytes.</param>
/// <param name="CompressedSize">Header plus stored body, in bytes.</param>
/// <param name="Encoding">How its values are encoded.</param>
/// <param name="Statistics">The values' range.</param>
internal readonly record struct WrittenColumnChunk(
    long Offset, CompressionCodec Codec, long ValueCount, long UncompressedSize, long CompressedSize, ValueEncoding Encoding, ColumnStatistics Statistics);
