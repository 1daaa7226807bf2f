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
}
