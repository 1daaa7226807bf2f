using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>
/// Per-partition commit records (<c>_commits/</c>): written the moment a partition commits, counted by the next run of
/// the same split, settings and model after a crash, folded into the manifest and removed when the run completes.
/// </summary>
public class CommitRecordTests : IDisposable
{
    private const string Job = "recorded";
    private static readonly string[] OddIds =
    [
        "in/part.0.parquet#rg=0-1", "in/my data.v2.csv", "in/données/été.csv", "a/x.csv", "b/x.csv", "in/x.csv#bytes=0-99",
        "in/" + new string('n', 300) + ".csv", "in/%2F and ..csv", "in/日本語 ファイル.jsonl",
    ];

    private readonly TempDirectory _dir = new();
    private readonly LocalObjectStore _store = new();

    private ObjectLocation Output => ObjectLocation.Local(_dir.Combine("out"));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task After_a_crash_the_next_run_counts_exactly_the_partitions_recorded_whatever_their_ids()
    {
        var random = new Random(23);
        for (var trial = 0; trial < 25; trial++)
        {
            var output = Output.Combine($"trial-{trial}");
            var ids = OddIds.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(i => $"in/p{i}.{random.Next()}.parquet#rg={i}")).ToList();
            var committed = ids.Where(_ => random.Next(2) == 0).ToHashSet(StringComparer.Ordinal);
            var first = await OpenAsync(output, epoch: 1);
            await first.ClaimAsync(ids.Select(FileName), default);
            await Task.WhenAll(committed.Select(id => first.RecordAsync(Partition(id), Entry(output, id), default)));
            // Killed here: no flush, no completion; the manifest lists no partition.

            var second = await OpenAsync(output, epoch: 2);
            Assert.Equal(committed.Order(StringComparer.Ordinal), ids.Where(id => second.IsCommitted(Partition(id), output.Combine(FileName(id)))).Order(StringComparer.Ordinal));
            Assert.Equal(committed.Count, Records(output).Length);
            Assert.All(committed, id => Assert.Equal(1, second.Entry(Partition(id), output.Combine(FileName(id)))!.Epoch));

            // The rest committed, the run completes: the manifest holds every partition and the records are gone.
            foreach (var id in ids.Where(id => !committed.Contains(id)))
            {
                await second.RecordAsync(Partition(id), Entry(output, id), default);
            }

            Assert.True(await second.CompleteAsync(default));
            var manifest = System.Text.Json.JsonSerializer.Deserialize<JobManifest>(await File.ReadAllBytesAsync(Path.Combine(output.LocalPath, OutputCommitLog.ManifestName)))!;
            Assert.Equal(ids.Order(StringComparer.Ordinal), manifest.Partitions.Keys.Order(StringComparer.Ordinal));
            Assert.Empty(Records(output));
        }
    }

    [Theory]
    [InlineData("other settings", false)]
    [InlineData("settings", true)]
    public async Task Records_of_other_settings_or_before_a_restart_do_not_count_and_are_removed_when_the_run_claims(string settings, bool restart)
    {
        await CommitAAsync(job: Job);

        var second = await OutputCommitLog.OpenAsync(_store, Output, Job, settings, "model", "plan", restart, shard: null, epoch: 2, default);
        Assert.False(second.IsCommitted(Partition("a"), Output.Combine(FileName("a"))));
        Assert.Single(Records(Output));
        await second.ClaimAsync([FileName("a")], default);
        Assert.Empty(Records(Output));
    }

    [Fact]
    public async Task A_partition_a_later_run_dropped_is_not_counted_again_when_its_input_comes_back()
    {
        var first = await OpenAsync(Output, epoch: 1);
        await first.ClaimAsync([FileName("a"), FileName("b")], default);
        await first.RecordAsync(Partition("a"), Entry(Output, "a"), default);
        // Killed. The next run finds a's input gone, drops it (its output is deleted as stale), and fails before completing.
        var second = await OpenAsync(Output, epoch: 2);
        Assert.True(second.IsCommitted(Partition("a"), Output.Combine(FileName("a"))));
        second.KeepOnly([(Partition("b"), Output.Combine(FileName("b")))]);
        await second.ClaimAsync([FileName("b")], default);
        await second.FlushAsync(default);

        // a's input is back, the same version: it must be scored again, its output is gone.
        var third = await OpenAsync(Output, epoch: 3);
        Assert.False(third.IsCommitted(Partition("a"), Output.Combine(FileName("a"))));
    }

    [Fact]
    public async Task A_record_older_than_the_manifest_is_not_counted_even_if_a_restart_stopped_before_removing_it()
    {
        await CommitAAsync(job: Job);
        var record = Assert.Single(Records(Output));
        var bytes = await File.ReadAllBytesAsync(record);

        var restarted = await OutputCommitLog.OpenAsync(_store, Output, Job, "settings", "model", "plan", restart: true, shard: null, epoch: 2, default);
        await restarted.ClaimAsync([FileName("a")], default);
        // As if the restart had stopped between writing its manifest and removing the old records.
        await File.WriteAllBytesAsync(record, bytes);

        var next = await OpenAsync(Output, epoch: 3);
        Assert.False(next.IsCommitted(Partition("a"), Output.Combine(FileName("a"))));
    }

    [Fact]
    public async Task A_sibling_shards_records_are_left_alone_and_those_of_another_split_removed()
    {
        var ids = Enumerable.Range(0, 20).Select(i => $"in/part-{i}.csv").ToList();
        var shard0 = JobShard.Of(0, 2);
        var mine = ids.Where(shard0.Owns).ToList();
        Assert.NotEmpty(mine);
        var first = await OutputCommitLog.OpenAsync(_store, Output, Job, "settings", "model", "plan", restart: false, shard0, epoch: 1, default);
        await first.ClaimAsync(mine.Select(FileName), default);
        foreach (var id in mine)
        {
            await first.RecordAsync(Partition(id), Entry(Output, id), default);
        }

        var sibling = await OutputCommitLog.OpenAsync(_store, Output, Job, "settings", "model", "plan", restart: false, JobShard.Of(1, 2), epoch: 2, default);
        await sibling.ClaimAsync(ids.Where(id => !shard0.Owns(id)).Select(FileName), default);
        Assert.Equal(mine.Count, Records(Output).Length);
        Assert.DoesNotContain(mine, id => sibling.IsCommitted(Partition(id), Output.Combine(FileName(id))));

        // A run of the whole job is another split: shard 0's records are not its own, and go when it claims.
        var whole = await OpenAsync(Output, epoch: 3);
        Assert.DoesNotContain(mine, id => whole.IsCommitted(Partition(id), Output.Combine(FileName(id))));
        await whole.ClaimAsync(ids.Select(FileName), default);
        Assert.Empty(Records(Output));
    }

    [Fact]
    public async Task A_corrupt_record_stops_the_run_with_one_line_naming_it_and_how_to_recover()
    {
        await CommitAAsync(job: Job);
        var record = Assert.Single(Records(Output));
        await File.WriteAllTextAsync(record, "{ \"Partition\": \"a\", ");

        var refused = await Assert.ThrowsAsync<MlNetBatchException>(() => OpenAsync(Output, epoch: 2));
        Assert.Contains(record, refused.Message);
        Assert.Contains("cannot be read", refused.Message);
        Assert.Contains("delete it, and the next run scores its partition again", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.True(File.Exists(record), "the corrupt record was removed");
    }

    [Fact]
    public async Task A_record_of_a_later_epoch_is_not_replaced_by_an_earlier_runs_and_an_earlier_one_is()
    {
        var record = new CommitRecord { Job = Job, Partition = "in/a.csv", Manifest = OutputCommitLog.ManifestName, ConfigHash = "settings", ModelHash = "model", Entry = Entry(Output, "a") };
        record.Entry.Epoch = 5;
        await CommitRecordFiles.WriteAsync(_store, Output, record, Job, default);
        var written = await File.ReadAllBytesAsync(Assert.Single(Records(Output)));

        record.Entry.Epoch = 4;
        var refused = await Assert.ThrowsAsync<OutputLeaseLostException>(() => CommitRecordFiles.WriteAsync(_store, Output, record, Job, default));
        Assert.Contains("written by a run of lease epoch 5, later than this run's epoch 4", refused.Message);
        Assert.Equal(written, await File.ReadAllBytesAsync(Assert.Single(Records(Output))));

        // Another split's record of the same partition, or a later epoch's, is replaced.
        record.Entry.Epoch = 6;
        await CommitRecordFiles.WriteAsync(_store, Output, record, Job, default);
        record.Manifest = "_manifest.shard-0-of-2.json";
        record.Entry.Epoch = 1;
        await CommitRecordFiles.WriteAsync(_store, Output, record, Job, default);
        Assert.Contains("\"Epoch\": 1", await File.ReadAllTextAsync(Assert.Single(Records(Output))));
    }

    [Fact]
    public async Task A_record_of_another_job_stops_the_run_with_one_line_and_is_left_where_it_is()
    {
        await CommitAAsync(job: "other-job");
        // Its manifest gone (deleted by hand): only the record says whose output the directory holds.
        File.Delete(Path.Combine(Output.LocalPath, OutputCommitLog.ManifestName));

        var refused = await Assert.ThrowsAsync<MlNetBatchException>(() => OpenAsync(Output, epoch: 2));

        Assert.Contains("holds the output of job 'other-job' (its _commits/", refused.Message);
        Assert.Contains($"give job '{Job}' a sink directory of its own", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.Single(Records(Output));
    }

    /// <summary>A run of <paramref name="job"/> at epoch 1 that commits partition "a" and is killed before it completes.</summary>
    private async Task CommitAAsync(string job)
    {
        var first = await OutputCommitLog.OpenAsync(_store, Output, job, "settings", "model", "plan", restart: false, shard: null, epoch: 1, default);
        await first.ClaimAsync([FileName("a")], default);
        await first.RecordAsync(Partition("a"), Entry(Output, "a"), default);
    }

    private static string FileName(string id) => $"part-{Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(id))[..Math.Min(40, id.Length * 2)]}-{id.Length}.parquet";

    private static Partition Partition(string id) =>
        new(0, id, new ObjectInfo(ObjectLocation.Local($"/in/{id.Length}.csv"), 1, "e", DateTimeOffset.UnixEpoch), PartitionKind.WholeFile, 0, 1, null, $"part-{id}");

    private static CommittedPartition Entry(ObjectLocation output, string id) =>
        new() { InputSize = 1, InputETag = "e", Output = output.Combine(FileName(id)).ToString(), RowsIn = 1, RowsOut = 1, CommittedAt = DateTimeOffset.UtcNow };

    private static string[] Records(ObjectLocation output)
    {
        var folder = Path.Combine(output.LocalPath, CommitRecordFiles.Folder);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json") : [];
    }

    private Task<OutputCommitLog> OpenAsync(ObjectLocation output, long epoch) =>
        OutputCommitLog.OpenAsync(_store, output, Job, "settings", "model", "plan", restart: false, shard: null, epoch, default);
}
