using MlNetBatch.Data;

namespace MlNetBatch.Formats.Text;

/// <summary>Cuts a line-oriented file into byte ranges of about the configured partition size.</summary>
internal static class ByteRangePlanner
{
    public static IReadOnlyList<PartitionSpan> Plan(long fileSize, long partitionBytes)
    {
        var spans = new List<PartitionSpan>();
        for (long start = 0; start < fileSize; start += partitionBytes)
        {
            spans.Add(new PartitionSpan(PartitionKind.ByteRange, start, Math.Min(partitionBytes, fileSize - start), RowCount: null));
        }

        return spans;
    }
}
