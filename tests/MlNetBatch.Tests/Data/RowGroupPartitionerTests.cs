using MlNetBatch.Data;
using MlNetBatch.Formats;
using MlNetBatch.Formats.Parquet;

namespace MlNetBatch.Tests.Data;

public class RowGroupPartitionerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Partitions_cover_every_row_group_once_in_order_and_fill_up_to_PartitionBytes(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var rowGroups = Enumerable.Range(0, random.Next(0, 40))
                .Select(_ => new RowGroupExtent(random.Next(0, 5000), random.Next(0, 3) == 0 ? random.Next(5_000, 50_000) : random.Next(1, 3_000)))
                .ToArray();
            var target = random.Next(1024, 20_000);

            var spans = RowGroupPartitioner.Plan(rowGroups, new DataSourceOptions { PartitionBytes = target });

            AssertCoversInOrder(rowGroups, spans);
            for (var p = 0; p < spans.Count; p++)
            {
                var bytes = Bytes(rowGroups, spans[p]);
                // Within the target, unless a lone row group is larger; and no room left for the next row group.
                Assert.True(bytes <= target || spans[p].Length == 1, $"partition {p} holds {bytes} bytes over {target}");
                if (p + 1 < spans.Count)
                {
                    Assert.True(bytes + rowGroups[spans[p + 1].Start].CompressedBytes > target, $"partition {p} could have taken the next row group");
                }
            }
        }
    }

    [Fact]
    public void RowGroupsPerPartition_takes_exactly_that_many_whatever_their_size()
    {
        var rowGroups = Enumerable.Range(0, 7).Select(g => new RowGroupExtent(10 + g, g % 2 == 0 ? 100 : 1_000_000)).ToArray();

        var spans = RowGroupPartitioner.Plan(rowGroups, new DataSourceOptions { RowGroupsPerPartition = 3, PartitionBytes = 1024 });

        Assert.Equal([(0L, 3L), (3L, 3L), (6L, 1L)], spans.Select(s => (s.Start, s.Length)));
        AssertCoversInOrder(rowGroups, spans);
    }

    private static void AssertCoversInOrder(RowGroupExtent[] rowGroups, IReadOnlyList<PartitionSpan> spans)
    {
        long next = 0;
        foreach (var span in spans)
        {
            Assert.Equal(PartitionKind.RowGroups, span.Kind);
            Assert.Equal(next, span.Start);
            Assert.True(span.Length >= 1);
            Assert.Equal(rowGroups.Skip((int)span.Start).Take((int)span.Length).Sum(g => g.Rows), span.RowCount);
            next += span.Length;
        }

        Assert.Equal(rowGroups.Length, next);
    }

    private static long Bytes(RowGroupExtent[] rowGroups, PartitionSpan span) =>
        rowGroups.Skip((int)span.Start).Take((int)span.Length).Sum(g => g.CompressedBytes);
}
