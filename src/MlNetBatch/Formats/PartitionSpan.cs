using MlNetBatch.Data;

namespace MlNetBatch.Formats;

/// <summary>A span of a file that a format can read on its own.</summary>
/// <param name="Kind">How the file is cut.</param>
/// <param name="Start">First row group, or first byte.</param>
/// <param name="Length">Number of row groups, or of bytes.</param>
/// <param name="RowCount">Rows in the span when known before reading.</param>
public sealed record PartitionSpan(PartitionKind Kind, long Start, long Length, long? RowCount);
