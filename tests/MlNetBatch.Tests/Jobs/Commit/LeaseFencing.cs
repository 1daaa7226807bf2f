using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using MlNetBatch.Data;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;
using MlNetBatch.Testing.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>
/// The lease fencing scenarios, run against any store: a run paused past its lease and taken over, and epochs across
/// runs. Each test class says which store and directory.
/// </summary>
public static class LeaseFencing
{
    private const string Job = "fenced";
    private static readonly TimeSpan ShortLease = TimeSpan.FromMilliseconds(900);
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Run A is paused past its lease and run B takes the output over; A, resumed, cannot renew, cannot write its
    /// manifest, and its commit is refused, while B's records stay as B wrote them and B goes on committing.
    /// </summary>
    public static async Task A_run_taken_over_cannot_renew_write_its_manifest_or_commit(IObjectStore store, ObjectLocation output)
    {
        var paused = new PausableLeaseWrites(store);
        await using var a = await OutputLease.AcquireAsync(paused, output, Job, null, ShortLease, NullLogger.Instance, default);
        var logA = await OpenAsync(paused, output, a);
        await logA.ClaimAsync(["part-a.parquet"], default);

        paused.Paused = true;
        await Task.Delay(ShortLease + TimeSpan.FromMilliseconds(300));
        await using var b = await OutputLease.AcquireAsync(store, output, Job, null, LongLease, NullLogger.Instance, default);
        var logB = await OpenAsync(store, output, b);
        await logB.ClaimAsync(["part-b.parquet"], default);
        var manifest = output.Combine(OutputCommitLog.ManifestName);
        var written = await ObjectBytes.ReadAsync(store, manifest);
        Assert.Equal(a.Epoch + 1, b.Epoch);

        // A wakes up: its next renewal names the version it wrote, which B replaced.
        paused.Paused = false;
        await WaitAsync(a.Lost, TimeSpan.FromSeconds(10));
        var lost = Assert.Throws<OutputLeaseLostException>(() => a.ThrowIfLost(Job, output));
        Assert.Contains($"it now belongs to {b.Holder}, epoch {b.Epoch}; this run's epoch is {a.Epoch}", lost.Message);

        // Its commit record is refused, and none is left behind; so are its manifest writes, whichever way it commits.
        // Each refusal names both epochs.
        var recorded = await Assert.ThrowsAsync<OutputLeaseLostException>(() => logA.RecordAsync(Partition("a"), Entry(output, "a"), default));
        Assert.Contains($"written by a run of lease epoch {b.Epoch}, later than this run's epoch {a.Epoch}", recorded.Message);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.StatAsync(output.Combine(CommitRecordFiles.Name("a"))));
        logA.Release(["part-a.parquet"]);
        foreach (var commit in new Func<Task>[] { () => logA.FlushAsync(default), () => logA.ClaimAsync(["part-a2.parquet"], default), () => logA.CompleteAsync(default) })
        {
            var refused = await Assert.ThrowsAsync<OutputLeaseLostException>(commit);
            Assert.Contains($"written by a run of lease epoch {b.Epoch}, later than this run's epoch {a.Epoch}", refused.Message);
            Assert.DoesNotContain('\n', refused.Message);
        }

        Assert.Equal(written, await ObjectBytes.ReadAsync(store, manifest));

        // B carries on; its records carry its epoch, and are folded into its manifest, then removed, when it completes.
        await logB.RecordAsync(Partition("b"), Entry(output, "b"), default);
        Assert.NotNull(await store.StatAsync(output.Combine(CommitRecordFiles.Name("b"))));
        Assert.True(await logB.CompleteAsync(default));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.StatAsync(output.Combine(CommitRecordFiles.Name("b"))));
        var final = await ReadManifestAsync(store, manifest);
        Assert.Equal(b.Epoch, final.Epoch);
        Assert.Equal(b.Epoch, Assert.Single(final.Partitions).Value.Epoch);
        Assert.Contains("part-a.parquet", final.Files);
        Assert.DoesNotContain("part-a2.parquet", final.Files);
    }

    /// <summary>Epochs grow with each run that takes the output: acquire, release and acquire, takeover of an expired lease.</summary>
    public static async Task Epochs_increase_across_acquire_takeover_and_release(IObjectStore store, ObjectLocation output)
    {
        var epochs = new List<long>();
        await using (var first = await OutputLease.AcquireAsync(store, output, Job, null, LongLease, NullLogger.Instance, default))
        {
            epochs.Add(first.Epoch);
            await (await OpenAsync(store, output, first)).ClaimAsync(["part-1.parquet"], default);
        }

        // Released: the next run learns the last epoch from the manifest that run wrote.
        var paused = new PausableLeaseWrites(store);
        var second = await OutputLease.AcquireAsync(paused, output, Job, null, ShortLease, NullLogger.Instance, default);
        epochs.Add(second.Epoch);
        paused.Paused = true;
        await Task.Delay(ShortLease + TimeSpan.FromMilliseconds(300));

        // Expired before it wrote any manifest: the taker learns its epoch from the lease it replaces.
        await using (var third = await OutputLease.AcquireAsync(store, output, Job, null, LongLease, NullLogger.Instance, default))
        {
            epochs.Add(third.Epoch);
            await (await OpenAsync(store, output, third)).ClaimAsync(["part-3.parquet"], default);
        }

        await using (var fourth = await OutputLease.AcquireAsync(store, output, Job, null, LongLease, NullLogger.Instance, default))
        {
            epochs.Add(fourth.Epoch);
        }

        await second.DisposeAsync();
        Assert.Equal([1L, 2, 3, 4], epochs);
    }

    /// <summary>Runs racing to take over one expired lease: the first replaces it, the others find the winner's lease and say so.</summary>
    public static async Task Of_takers_racing_for_an_expired_lease_exactly_one_wins(IObjectStore store, ObjectLocation output)
    {
        var expired = JsonSerializer.SerializeToUtf8Bytes(new { Holder = "elsewhere/pid 1/run expired", Job, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1), Epoch = 7 });
        Assert.NotNull(await store.TryCreateNewAsync(output.Combine(OutputLease.LeaseName), expired));

        var takers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (Lease: await OutputLease.AcquireAsync(store, output, Job, null, LongLease, NullLogger.Instance, default), Refused: (OutputLeasedException?)null);
            }
            catch (OutputLeasedException refused)
            {
                return (Lease: (OutputLease?)null, Refused: refused);
            }
        })));

        var winner = Assert.Single(takers, t => t.Lease is not null).Lease!;
        Assert.Equal(8, winner.Epoch);
        Assert.All(takers.Where(t => t.Lease is null), t => Assert.Equal(winner.Holder, t.Refused!.Holder));
        await winner.DisposeAsync();
    }

    private static Task<OutputCommitLog> OpenAsync(IObjectStore store, ObjectLocation output, OutputLease lease) =>
        OutputCommitLog.OpenAsync(store, output, Job, "settings", "model", "plan", restart: false, shard: null, lease.Epoch, default);

    private static Partition Partition(string id) =>
        new(0, id, new ObjectInfo(ObjectLocation.Local($"/in/{id}.csv"), 1, "e", DateTimeOffset.UnixEpoch), PartitionKind.WholeFile, 0, 1, null, $"part-{id}");

    private static CommittedPartition Entry(ObjectLocation output, string id) =>
        new() { InputSize = 1, InputETag = "e", Output = output.Combine($"part-{id}.parquet").ToString(), RowsIn = 1, RowsOut = 1, CommittedAt = DateTimeOffset.UtcNow };

    private static async Task<JobManifest> ReadManifestAsync(IObjectStore store, ObjectLocation manifest) =>
        JsonSerializer.Deserialize<JobManifest>(await ObjectBytes.ReadAsync(store, manifest))!;

    private static async Task WaitAsync(CancellationToken token, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!token.IsCancellationRequested)
        {
            Assert.True(waited.Elapsed < timeout, "the lease was not found lost");
            await Task.Delay(20);
        }
    }
}
