using System.Globalization;
using MlNetBatch.Storage.Gcs;
using MlNetBatch.Testing.Emulators;

namespace MlNetBatch.Storage.Gcs.Tests.Support;

/// <summary>
/// A Cloud Storage emulator (firebase-tools' storage emulator, started by tests/emulators/gcs-emulator.js) on 127.0.0.1:
/// one for the whole test process (<see cref="ProcessWideEmulator"/>), shared by the test classes at the same time (each
/// test works under a prefix of its own). The emulator does not implement bucket creation; objects are written to a
/// bucket name directly.
/// </summary>
public sealed class GcsEmulatorFixture : IAsyncLifetime
{
    public const string Bucket = "test-bucket";

    private static readonly ProcessWideEmulator Shared = new(() => EmulatorProcess.StartAsync("node", (port, dataFolder) =>
        [Path.Combine(EmulatorPackages.Folder, "gcs-emulator.js"), "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), dataFolder], EmulatorProbe.GcsEmulator));

    private readonly List<GcsObjectStore> _stores = [];

    public EmulatorProcess Server { get; private set; } = null!;

    public string BaseUri => $"http://127.0.0.1:{Server.Port}/storage/v1/";

    public async Task InitializeAsync() => Server = await Shared.GetAsync();

    /// <summary>Disposes this class's stores; the server outlives the class and stops when the test process exits.</summary>
    public Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Options for this emulator: anonymous, and upload chunks larger than any test object, because resumable uploads
    /// sent to it in several chunks came back truncated (the store's size check after commit would report that).
    /// </summary>
    public GcsStorageOptions Options(Action<GcsStorageOptions>? configure = null)
    {
        var options = new GcsStorageOptions
        {
            BaseUri = BaseUri,
            Anonymous = true,
            UploadChunkBytes = 64 << 20,
        };
        configure?.Invoke(options);
        return options;
    }

    public GcsObjectStore Store(Action<GcsStorageOptions>? configure = null)
    {
        var store = new GcsObjectStore(Options(configure));
        _stores.Add(store);
        return store;
    }

    public ObjectStoreResolver Resolver(Action<GcsStorageOptions>? configure = null) => new([Store(configure)]);

    /// <summary>A fresh prefix, so that tests sharing the bucket never see each other's objects.</summary>
    public static string NewPrefix() => Guid.NewGuid().ToString("N")[..12];

    public static ObjectLocation Location(string key) => ObjectLocation.Parse($"gs://{Bucket}/{key}");
}
