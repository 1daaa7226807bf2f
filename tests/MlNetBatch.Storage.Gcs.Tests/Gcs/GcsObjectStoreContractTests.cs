using MlNetBatch.Storage.Gcs.Tests.Support;
using MlNetBatch.Testing.Storage;

namespace MlNetBatch.Storage.Gcs.Tests.Gcs;

/// <summary>The storage contract against the Cloud Storage emulator.</summary>
public sealed class GcsObjectStoreContractTests(GcsEmulatorFixture gcs) : ObjectStoreContract, IClassFixture<GcsEmulatorFixture>
{
    private readonly string _prefix = GcsEmulatorFixture.NewPrefix();

    protected override IObjectStore Store { get; } = gcs.Store(o => (o.ReadBlockBytes, o.ReadAheadBytes) = (64 << 10, 256 << 10));

    protected override ObjectLocation NewLocation(string name) => GcsEmulatorFixture.Location($"{_prefix}/{name}");
}
