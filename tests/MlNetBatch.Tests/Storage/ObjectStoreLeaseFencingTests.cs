using MlNetBatch.Storage;
using MlNetBatch.Tests.Jobs.Commit;

namespace MlNetBatch.Tests.Storage;

/// <summary>Lease fencing on object stores, against a real s3rver and a real Azurite.</summary>
public sealed class ObjectStoreLeaseFencingTests(CrossStoreServers servers) : IClassFixture<CrossStoreServers>
{
    [Fact]
    public Task On_S3_a_run_taken_over_cannot_renew_write_its_manifest_or_commit() =>
        LeaseFencing.A_run_taken_over_cannot_renew_write_its_manifest_or_commit(servers.S3Store, S3($"fenced-{Guid.NewGuid():N}"));

    [Fact]
    public Task On_Azure_a_run_taken_over_cannot_renew_write_its_manifest_or_commit() =>
        LeaseFencing.A_run_taken_over_cannot_renew_write_its_manifest_or_commit(servers.AzureStore, Azure($"fenced-{Guid.NewGuid():N}"));

    [Fact]
    public Task On_S3_epochs_increase_across_acquire_takeover_and_release() =>
        LeaseFencing.Epochs_increase_across_acquire_takeover_and_release(servers.S3Store, S3($"epochs-{Guid.NewGuid():N}"));

    [Fact]
    public Task On_Azure_epochs_increase_across_acquire_takeover_and_release() =>
        LeaseFencing.Epochs_increase_across_acquire_takeover_and_release(servers.AzureStore, Azure($"epochs-{Guid.NewGuid():N}"));

    // Not on S3: s3rver ignores If-Match, so racing takers can all win there (S3ObjectStoreContractTests says more).
    [Fact]
    public Task On_Azure_of_takers_racing_for_an_expired_lease_exactly_one_wins() =>
        LeaseFencing.Of_takers_racing_for_an_expired_lease_exactly_one_wins(servers.AzureStore, Azure($"raced-{Guid.NewGuid():N}"));

    private static ObjectLocation S3(string directory) => ObjectLocation.Parse($"s3://{CrossStoreServers.Bucket}/{directory}");

    private static ObjectLocation Azure(string directory) => ObjectLocation.Parse($"az://devstoreaccount1/{CrossStoreServers.Container}/{directory}");
}
