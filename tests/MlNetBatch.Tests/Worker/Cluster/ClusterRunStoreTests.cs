using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Cluster.Runs;
using Npgsql;

namespace MlNetBatch.Tests.Worker.Cluster;

/// <summary>The run store's fencing rules, on a real PostgreSQL: what a claim, a renewal, a commit and a finish may do once the run moved on.</summary>
public class ClusterRunStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_failed_runs_claims_are_not_renewed_and_their_commits_are_refused()
    {
        var (store, run) = await StartRunAsync("p0", "p1");
        var first = (await store.Claims.ClaimAsync("node-a", [], Lifetime, CancellationToken.None))!;
        var second = (await store.Claims.ClaimAsync("node-b", [], Lifetime, CancellationToken.None))!;
        Assert.Equal(2, (await store.Claims.RenewAsync([first, second], Lifetime, CancellationToken.None)).Count);

        Assert.True(await store.TransitionAsync(run.RunId, ClusterStates.Running, ClusterStates.Failed, "p0 failed", CancellationToken.None));

        Assert.Empty(await store.Claims.RenewAsync([first, second], Lifetime, CancellationToken.None));
        Assert.False(await store.Claims.EndClaimAsync(second, ClusterStates.Committed, "node-b", "{}", null, CancellationToken.None));
        // Handing back is still taken: it only says the node let go.
        Assert.True(await store.Claims.EndClaimAsync(first, ClusterStates.Pending, "node-a", null, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_commit_repeated_after_its_answer_was_lost_is_taken_even_once_the_run_is_finishing()
    {
        var (store, run) = await StartRunAsync("p0");
        var claim = (await store.Claims.ClaimAsync("node-a", [], Lifetime, CancellationToken.None))!;
        Assert.True(await store.Claims.EndClaimAsync(claim, ClusterStates.Committed, "node-a", "{}", null, CancellationToken.None));
        Assert.True(await store.TransitionAsync(run.RunId, ClusterStates.Running, ClusterStates.Finishing, null, CancellationToken.None));

        Assert.True(await store.Claims.EndClaimAsync(claim, ClusterStates.Committed, "node-a", "{}", null, CancellationToken.None));
        Assert.False(await store.Claims.EndClaimAsync(claim, ClusterStates.Committed, "node-b", "{}", null, CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_runs_out_by_the_lifetime_its_owner_asked_for_not_by_the_next_claimers()
    {
        var (store, _) = await StartRunAsync("p0");
        Assert.NotNull(await store.Claims.ClaimAsync("node-a", [], TimeSpan.FromMinutes(10), CancellationToken.None));

        // A node configured with a short lifetime of its own must not take a claim its owner keeps for ten minutes.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.Null(await store.Claims.ClaimAsync("node-b", [], TimeSpan.FromMilliseconds(1), CancellationToken.None));

        var (other, _) = await StartRunAsync("q0");
        Assert.NotNull(await other.Claims.ClaimAsync("node-c", [], TimeSpan.FromMilliseconds(200), CancellationToken.None));
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        var recovered = await other.Claims.ClaimAsync("node-b", [], TimeSpan.FromMinutes(10), CancellationToken.None);
        Assert.Equal(("q0", 2L, "node-c"), (recovered?.PartitionId, recovered?.Epoch, recovered?.RecoveredFrom));
    }

    [Fact]
    public async Task A_finish_is_taken_over_only_once_it_is_stale()
    {
        var (store, run) = await StartRunAsync("p0");
        Assert.True(await store.TransitionAsync(run.RunId, ClusterStates.Running, ClusterStates.Finishing, null, CancellationToken.None));

        Assert.False(await store.TryTakeOverFinishAsync(run.RunId, TimeSpan.FromMinutes(1), CancellationToken.None));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.True(await store.TryTakeOverFinishAsync(run.RunId, TimeSpan.FromSeconds(1), CancellationToken.None));
        // Taking over renews the finish: a second node does not take it from the first at once.
        Assert.False(await store.TryTakeOverFinishAsync(run.RunId, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.True(await store.TransitionAsync(run.RunId, ClusterStates.Finishing, ClusterStates.Succeeded, null, CancellationToken.None));
        Assert.False(await store.TryTakeOverFinishAsync(run.RunId, TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task Runs_that_ended_before_the_retention_are_removed_with_their_partitions_and_no_other_run_is()
    {
        var (store, ended) = await StartRunAsync("p0", "p1");
        var running = new ClusterRunRow(Guid.NewGuid().ToString("N"), "other-job", "settings/model", "plan", "/out2", "node-a");
        Assert.True(await store.TryStartAsync(running, ("[]", "{}"), ["q0"], new Dictionary<string, string>(), CancellationToken.None));
        Assert.True(await store.TransitionAsync(ended.RunId, ClusterStates.Running, ClusterStates.Failed, "p0 failed", CancellationToken.None));

        Assert.Equal(0, await store.PruneAsync(TimeSpan.FromHours(1), CancellationToken.None));
        Assert.NotNull(await store.RunAsync(ended.RunId, CancellationToken.None));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(1, await store.PruneAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Null(await store.RunAsync(ended.RunId, CancellationToken.None));
        Assert.Empty(await store.PartitionsAsync(ended.RunId, CancellationToken.None));
        Assert.NotNull(await store.RunAsync(running.RunId, CancellationToken.None));
        Assert.Single(await store.PartitionsAsync(running.RunId, CancellationToken.None));
    }

    private async Task<(ClusterRunStore Store, ClusterRunRow Run)> StartRunAsync(params string[] partitions)
    {
        var store = new ClusterRunStore(NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync()), "test", "qrtz_");
        await store.EnsureTablesAsync(CancellationToken.None);
        var run = new ClusterRunRow(Guid.NewGuid().ToString("N"), "job-" + Guid.NewGuid().ToString("N")[..6], "settings/model", "plan", "/out", "node-a");
        Assert.True(await store.TryStartAsync(run, ("[]", "{}"), partitions, new Dictionary<string, string>(), CancellationToken.None));
        return (store, run);
    }
}
