using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Data;

public class FileSetPartitionerTests
{
    private static readonly DateTimeOffset Written = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_partition_carries_the_version_of_every_file_it_reads_and_keeps_it_while_they_do_not_change()
    {
        var files = Listing(6);
        var plan = Plan(files, 3);

        Assert.Equal(["f0.png#files=0-2", "f3.png#files=3-5"], plan.Select(p => p.Id));
        Assert.Equal(Location(0), plan[0].File.Location);
        Assert.Equal(100 + 101 + 102, plan[0].File.Size);
        Assert.Equal(files[..3], plan[0].Files);
        Assert.Equal(plan.Select(p => p.File), Plan(Listing(6), 3).Select(p => p.File));

        // Quotes around an ETag are how a store spells it, not a new version.
        Assert.Equal(plan[0].File, Plan([.. files.Select(f => f with { ETag = $"\"{f.ETag}\"" })], 3)[0].File);
    }

    [Fact]
    public void A_change_to_any_file_of_a_run_changes_its_version_and_only_its_version()
    {
        var files = Listing(6);
        var plan = Plan(files, 3);
        List<ObjectInfo>[] changed =
        [
            [.. files.Select((f, i) => i == 1 ? f with { ETag = "rewritten" } : f)],
            [.. files.Select((f, i) => i == 1 ? f with { Size = 999 } : f)],
            [.. files.Select((f, i) => i == 1 ? f with { Location = f.Location.WithKey(f.Location.Key.Replace("f1.png", "f1b.png", StringComparison.Ordinal)) } : f)],
        ];

        foreach (var listing in changed)
        {
            var replanned = Plan(listing, 3);
            Assert.Equal(plan.Select(p => p.Id), replanned.Select(p => p.Id));
            Assert.NotEqual(plan[0].File.ETag, replanned[0].File.ETag);
            Assert.Equal(plan[1].File, replanned[1].File);
        }
    }

    [Fact]
    public void A_partition_of_one_file_is_versioned_by_that_file()
    {
        var files = Listing(2);

        Assert.Equal(files, Plan(files, 1).Select(p => p.File));
    }

    private static List<Partition> Plan(List<ObjectInfo> files, int perPartition) =>
        FileSetPartitioner.Plan(files, files.Select(f => f.Location.Key[(f.Location.Key.LastIndexOf('/') + 1)..]).ToList(), perPartition);

    private static List<ObjectInfo> Listing(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new ObjectInfo(Location(i), 100 + i, $"tag{i}", Written))];

    private static ObjectLocation Location(int i) => ObjectLocation.Local($"/data/f{i}.png");
}
