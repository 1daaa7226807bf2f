using MlNetBatch.Formats.Parquet.Pages;

namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>What a data page holds, for its header and its chunk's metadata.</summary>
/// <param name="ValueCount">Values in the page, counting every list item.</param>
/// <param name="Encoding">How the values are encoded.</param>
/// <param name="Statistics">The values' range.</param>
internal readonly record struct EncodedPage(int ValueCount, ValueEncoding Encoding, ColumnStatistics Statistics);
