using MlNetBatch.Storage;
using MlNetBatch.Testing.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Storage;

/// <summary>The storage contract on the local file system.</summary>
public sealed class LocalObjectStoreContractTests : ObjectStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override IObjectStore Store { get; } = new LocalObjectStore();

    // A replaced file is renamed over the old one: an open reader keeps reading the version it opened.
    protected override bool SeesReplacementWhileReading => false;

    public void Dispose() => _directory.Dispose();

    protected override ObjectLocation NewLocation(string name) => ObjectLocation.Local(_directory.Combine(name));
}
