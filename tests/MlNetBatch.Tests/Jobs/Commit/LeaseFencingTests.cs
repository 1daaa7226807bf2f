using Microsoft.Extensions.Logging.Abstractions;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>Lease fencing on local disk.</summary>
public sealed class LeaseFencingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public Task A_run_taken_over_cannot_renew_write_its_manifest_or_commit() =>
        LeaseFencing.A_run_taken_over_cannot_renew_write_its_manifest_or_commit(new LocalObjectStore(), ObjectLocation.Local(_dir.Combine("out")));

    [Fact]
    public Task Epochs_increase_across_acquire_takeover_and_release() =>
        LeaseFencing.Epochs_increase_across_acquire_takeover_and_release(new LocalObjectStore(), ObjectLocation.Local(_dir.Combine("out")));

    [Fact]
    public Task Of_takers_racing_for_an_expired_lease_exactly_one_wins() =>
        LeaseFencing.Of_takers_racing_for_an_expired_lease_exactly_one_wins(new LocalObjectStore(), ObjectLocation.Local(_dir.Combine("out")));

    [Fact]
    public async Task A_renewal_that_wrote_but_lost_its_answer_is_recognised_as_this_runs_own_and_the_lease_is_kept()
    {
        var answers = new AnswerLost(new LocalObjectStore(), OutputLease.LeaseName);
        var store = new RetryingObjectStore(answers, maxRetries: 2, baseDelay: TimeSpan.FromMilliseconds(10));
        var output = ObjectLocation.Local(_dir.Combine("out"));
        await using var lease = await OutputLease.AcquireAsync(store, output, "answers", null, TimeSpan.FromMilliseconds(900), NullLogger.Instance, default);

        // The retry after the lost answer finds a version it did not name (its own) and reports a refusal.
        answers.LoseNext = true;
        await Task.Delay(TimeSpan.FromMilliseconds(1500));

        Assert.False(answers.LoseNext, "no renewal was attempted");
        Assert.False(lease.Lost.IsCancellationRequested);
        lease.ThrowIfLost("answers", output);
    }

    [Fact]
    public async Task A_manifest_write_that_wrote_but_lost_its_answer_is_recognised_as_this_runs_own()
    {
        var answers = new AnswerLost(new LocalObjectStore(), OutputCommitLog.ManifestName);
        var store = new RetryingObjectStore(answers, maxRetries: 2, baseDelay: TimeSpan.FromMilliseconds(10));
        var output = ObjectLocation.Local(_dir.Combine("out"));
        await using var lease = await OutputLease.AcquireAsync(store, output, "answers", null, TimeSpan.FromMinutes(5), NullLogger.Instance, default);
        var log = await OutputCommitLog.OpenAsync(store, output, "answers", "settings", "model", "plan", restart: false, shard: null, lease.Epoch, default);
        await log.ClaimAsync(["part-1.parquet"], default);

        answers.LoseNext = true;
        await log.ClaimAsync(["part-2.parquet"], default);

        Assert.False(answers.LoseNext, "no manifest write was attempted");
        var manifest = System.Text.Json.JsonSerializer.Deserialize<JobManifest>(await File.ReadAllBytesAsync(_dir.Combine("out", OutputCommitLog.ManifestName)))!;
        Assert.Equal(["part-1.parquet", "part-2.parquet"], manifest.Files);
        Assert.Equal(lease.Epoch, manifest.Epoch);
    }

    /// <summary>A store whose next conditional replacement of <paramref name="name"/> is written, but answered with a failure.</summary>
    private sealed class AnswerLost(IObjectStore inner, string name) : ForwardingObjectStore(inner)
    {
        public volatile bool LoseNext;

        public override async Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default)
        {
            var version = await base.TryReplaceAsync(location, content, expectedVersion, cancellationToken);
            if (version is not null && location.Name == name && LoseNext)
            {
                LoseNext = false;
                throw new IOException("injected: the connection dropped before the answer came");
            }

            return version;
        }
    }
}
