using MlNetBatch.Data;

namespace MlNetBatch.Formats.Parquet;

/// <summary>A row group's size as the footer states it: its rows and its column chunks' compressed bytes.</summary>
/// <param name="Rows">Rows in the row group.</param>
/// <param name="CompressedBytes">Bytes its column chunks take in the file.</param>
internal readonly record struct RowGroupExtent(long Rows, long CompressedBytes);

/// <summary>
/// Cuts a Parquet file's row groups into partitions of consecutive row groups: exactly
/// <see cref="DataSourceOptions.RowGroupsPerPartition"/> each when that is set, otherwise as many as fit in
/// <see cref="DataSourceOptions.PartitionBytes"/> of compressed data (a larger row group is a partition alone).
/// </summary>
/// <remarks>
/// The plan depends only on the file and the options, never on the machine, so a resumed or shared job plans the
/// partitions it committed before.
/// </remarks>
internal static class RowGroupPartitioner
{
    public static IReadOnlyList<PartitionSpan> Plan(IReadOnlyList<RowGroupExtent> rowGroups, DataSourceOptions options)
    {
        var spans = new List<PartitionSpan>();
        var start = 0;
        long rows = 0;
        long bytes = 0;
        for (var g = 0; g < rowGroups.Count; g++)
        {
            var count = g - start;
            var full = options.RowGroupsPerPartition is { } perPartition
                ? count == perPartition
                : count > 0 && bytes + rowGroups[g].CompressedBytes > options.PartitionBytes;
            if (full)
            {
                spans.Add(new PartitionSpan(PartitionKind.RowGroups, start, count, rows));
                (start, rows, bytes) = (g, 0, 0);
            }

            rows += rowGroups[g].Rows;
            bytes += rowGroups[g].CompressedBytes;
        }

        if (rowGroups.Count > start)
        {
            spans.Add(new PartitionSpan(PartitionKind.RowGroups, start, rowGroups.Count - start, rows));
        }

        return spans;
    }
}
