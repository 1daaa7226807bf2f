using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Support;

/// <summary>
/// A store through which a run acts as if paused (SIGSTOP, a long GC, a network cut) while <see cref="Paused"/> is
/// set: its lease renewals do not reach storage, so the lease runs out and another run can take it.
/// </summary>
public sealed class PausableLeaseWrites(IObjectStore inner) : ForwardingObjectStore(inner)
{
    public volatile bool Paused;

    public override Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default) =>
        Paused && location.Name.StartsWith("_lease", StringComparison.Ordinal)
            ? throw new IOException("injected: this run is paused")
            : base.TryReplaceAsync(location, content, expectedVersion, cancellationToken);
}
